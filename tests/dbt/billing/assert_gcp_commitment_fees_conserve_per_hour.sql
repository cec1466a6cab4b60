{#- Per GCP commitment (or pre-2024-01-25 pool) x billing account x invoice month x hour, what its fee rows
    billed is exactly what amortisation hands out: the used share spread over the covered rows plus the
    Unused rows (|Δ| ≤ tolerance). Also: no spread without a fee, and utilisation within [0, 1]. -#}

with

allocations as (

    select * from {{ ref('int_gcp__commitment_fee_allocations') }}

),

spread as (

    select
        billing_account_id,
        invoice_month,
        commitment_discount_id,
        usage_start_time as charge_hour,
        sum(amortised_commitment_cost) as spread_cost
    from {{ ref('int_gcp__billing_line_items_amortised') }}
    where commitment_role = 'credited'
    group by billing_account_id, invoice_month, commitment_discount_id, usage_start_time

),

unused as (

    select
        billing_account_id,
        invoice_month,
        commitment_discount_id,
        usage_start_time as charge_hour,
        sum(unused_cost) as unused_cost
    from {{ ref('int_gcp__commitment_unused_line_items') }}
    group by billing_account_id, invoice_month, commitment_discount_id, usage_start_time

),

compared as (

    select
        allocations.billing_account_id,
        allocations.invoice_month,
        allocations.commitment_discount_id,
        allocations.charge_hour,
        allocations.fee_billed_cost,
        allocations.utilisation,
        coalesce(spread.spread_cost, 0) as spread_cost,
        coalesce(unused.unused_cost, 0) as unused_cost
    from allocations
    left join spread
        on
            allocations.billing_account_id = spread.billing_account_id
            and allocations.invoice_month = spread.invoice_month
            and allocations.commitment_discount_id = spread.commitment_discount_id
            and allocations.charge_hour = spread.charge_hour
    left join unused
        on
            allocations.billing_account_id = unused.billing_account_id
            and allocations.invoice_month = unused.invoice_month
            and allocations.commitment_discount_id = unused.commitment_discount_id
            and allocations.charge_hour = unused.charge_hour

)

select *
from compared
where
    abs(fee_billed_cost - spread_cost - unused_cost) > {{ var('reconciliation_tolerance') }}
    or utilisation < 0
    or utilisation > 1
