{#- One row per credit of a staged GCP billing row (the repeated `credits` column unnested by the dispatched
    macro gcp_unnest_credits): its position, type and amount (negative), keyed by the row's source_line_id. -#}

with

billing_lines as (

    select
        source_line_id,
        credits
    from {{ ref('stg_gcp__billing_export_line_items') }}

),

credits as (

    {{ gcp_unnest_credits('billing_lines', ['source_line_id']) }}

)

select * from credits
