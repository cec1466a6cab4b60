{#- One row per PROMOTION credit on a GCP billing row: promotional, trial and programme credits are "a form of
    payment" (Google), so FOCUS shows each as a Credit row of its own rather than netting it into the charge.
    Carries the charged row's columns (int_gcp__billing_line_items_priced) for attribution, and the credit. -#}

with

priced as (

    select * from {{ ref('int_gcp__billing_line_items_priced') }}

),

credits as (

    select * from {{ ref('int_gcp__billing_credits') }}
    where credit_type = 'PROMOTION'

),

promotions as (

    select
        priced.*,
        credits.credit_position,
        credits.credit_name,
        credits.credit_full_name,
        credits.credit_id,
        credits.credit_amount
    from credits
    inner join priced
        on credits.source_line_id = priced.source_line_id

)

select * from promotions
