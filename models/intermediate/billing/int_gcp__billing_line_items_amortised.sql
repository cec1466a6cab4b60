{#- One row per staged GCP billing row (int_gcp__billing_line_items_priced, all columns passed through) with
    amortised_commitment_cost: on a row covered by a commitment's CUD credit, its share of the used part of that
    commitment's fee for the hour, in proportion to |credit| (int_gcp__commitment_fee_allocations); 0 on every
    other row. EffectiveCost of the row = billed_cost + amortised_commitment_cost. -#}

with

priced as (

    select * from {{ ref('int_gcp__billing_line_items_priced') }}

),

allocations as (

    select * from {{ ref('int_gcp__commitment_fee_allocations') }}

),

amortised as (

    select
        priced.*,
        case
            when priced.commitment_role = 'credited' and allocations.covering_credits > 0
                then cast(
                    allocations.fee_billed_cost * allocations.utilisation * abs(priced.commitment_credits)
                    / allocations.covering_credits
                    as {{ type_money() }}
                )
            else 0
        end as amortised_commitment_cost
    from priced
    left join allocations
        on
            priced.commitment_role = 'credited'
            and priced.billing_account_id = allocations.billing_account_id
            and priced.invoice_month = allocations.invoice_month
            and priced.commitment_discount_id = allocations.commitment_discount_id
            and priced.usage_start_time = allocations.charge_hour

)

select * from amortised
