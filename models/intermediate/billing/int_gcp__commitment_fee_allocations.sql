{#- One row per GCP commitment (or pre-2024-01-25 pool) x invoice month x hour that has a fee or covered usage:
    what the commitment cost that hour and how much of it was used.
    - fee_billed_cost: the billed cost of its fee rows (cost + non-promotion credits; in the spend-based model
      since 2025-07 the fee's FEE_UTILIZATION_OFFSET credit has already netted the used part away).
    - utilisation = min(1, used / committed commitment units), committed from the fee rows' usage in pricing
      units, used from the covered rows (int_gcp__billing_line_items_priced.commitment_used_quantity); 1 when
      credits exist but the fee states no quantity, 0 without covered rows.
    The used share of the fee (fee_billed_cost x utilisation) is spread over the covered rows in proportion to
    |CUD credit| (int_gcp__billing_line_items_amortised); the rest is the Unused row
    (int_gcp__commitment_unused_line_items). Matching stays inside one billing account x invoice month, so a
    month's FOCUS rows never depend on another month's delivery. -#}

{{ config(materialized='table') }}

with

priced as (

    select * from {{ ref('int_gcp__billing_line_items_priced') }}

),

fees as (

    select
        billing_account_id,
        invoice_month,
        commitment_discount_id,
        usage_start_time as charge_hour,
        sum(billed_cost) as fee_billed_cost,
        sum(coalesce(usage_amount_in_pricing_units, 0)) as committed_quantity
    from priced
    where commitment_role = 'fee'
    group by billing_account_id, invoice_month, commitment_discount_id, usage_start_time

),

covered as (

    select
        billing_account_id,
        invoice_month,
        commitment_discount_id,
        usage_start_time as charge_hour,
        sum(abs(commitment_credits)) as covering_credits,
        sum(commitment_used_quantity) as used_quantity
    from priced
    where commitment_role = 'credited'
    group by billing_account_id, invoice_month, commitment_discount_id, usage_start_time

),

allocations as (

    select
        coalesce(fees.billing_account_id, covered.billing_account_id) as billing_account_id,
        coalesce(fees.invoice_month, covered.invoice_month) as invoice_month,
        coalesce(fees.commitment_discount_id, covered.commitment_discount_id) as commitment_discount_id,
        coalesce(fees.charge_hour, covered.charge_hour) as charge_hour,
        coalesce(fees.fee_billed_cost, 0) as fee_billed_cost,
        coalesce(fees.committed_quantity, 0) as committed_quantity,
        coalesce(covered.covering_credits, 0) as covering_credits,
        coalesce(covered.used_quantity, 0) as used_quantity
    from fees
    full outer join covered
        on
            fees.billing_account_id = covered.billing_account_id
            and fees.invoice_month = covered.invoice_month
            and fees.commitment_discount_id = covered.commitment_discount_id
            and fees.charge_hour = covered.charge_hour

),

utilised as (

    select
        allocations.*,
        cast(
            case
                when allocations.covering_credits = 0 then 0
                when allocations.committed_quantity > 0 and allocations.used_quantity < allocations.committed_quantity
                    then allocations.used_quantity / allocations.committed_quantity
                else 1
            end
            as {{ type_money() }}
        ) as utilisation
    from allocations

)

select * from utilised
