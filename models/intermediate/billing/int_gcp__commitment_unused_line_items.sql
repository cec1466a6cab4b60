{#- One row per GCP commitment fee row whose commitment was not fully used that hour: the fee row's columns
    (int_gcp__billing_line_items_priced) with unused_cost = its billed cost x (1 - utilisation of its commitment
    that hour) and unused_quantity, the same share of its committed units. int_gcp__focus_line_items turns each
    into a synthetic Usage row with CommitmentDiscountStatus `Unused` that bills nothing, carries unused_cost as
    EffectiveCost and keeps the fee row's source_line_id. A pool's row (no `subscription.instance_id`, before
    2024-01-25) is flagged by is_pooled_commitment. -#}

with

priced as (

    select * from {{ ref('int_gcp__billing_line_items_priced') }}
    where commitment_role = 'fee'

),

allocations as (

    select * from {{ ref('int_gcp__commitment_fee_allocations') }}

),

unused as (

    select
        priced.*,
        cast(priced.billed_cost * (1 - allocations.utilisation) as {{ type_money() }}) as unused_cost,
        case
            when priced.cost <> 0
                then cast(
                    coalesce(priced.usage_amount_in_pricing_units, 0) * priced.billed_cost
                    * (1 - allocations.utilisation) / priced.cost
                    as {{ type_money() }}
                )
            else 0
        end as unused_quantity
    from priced
    inner join allocations
        on
            priced.billing_account_id = allocations.billing_account_id
            and priced.invoice_month = allocations.invoice_month
            and priced.commitment_discount_id = allocations.commitment_discount_id
            and priced.usage_start_time = allocations.charge_hour

)

select * from unused
where unused_cost <> 0
