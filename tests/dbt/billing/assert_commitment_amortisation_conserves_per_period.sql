{#- Per commitment x billing period, the amortised cost spread over usage (Used) and left over (Unused)
    equals what the commitment cost that period: the recurring fee billed plus the period's share of the
    upfront payment. Checked where the period holds the commitment's fee lines (a partial export without
    them cannot be checked). -#}

with

line_items as (

    select * from {{ ref('int_aws__focus_line_items') }}

),

spread as (

    select
        commitment_discount_id,
        x_billing_period,
        sum(effective_cost) as used_and_unused_effective_cost
    from line_items
    where commitment_discount_status in ('Used', 'Unused')
    group by commitment_discount_id, x_billing_period

),

paid as (

    select
        commitment_discount_id,
        x_billing_period,
        sum(billed_cost) as recurring_fee_billed_cost,
        sum(
            coalesce(
                case
                    when x_line_item_type = 'RIFee' then reservation_amortized_upfront_fee
                    else savings_plan_amortized_upfront_commitment
                end,
                0
            )
        ) as amortised_upfront
    from line_items
    where
        x_line_item_type in ('RIFee', 'SavingsPlanRecurringFee')
        and not is_unused_commitment
    group by commitment_discount_id, x_billing_period

)

select
    paid.commitment_discount_id,
    paid.x_billing_period,
    paid.recurring_fee_billed_cost,
    paid.amortised_upfront,
    coalesce(spread.used_and_unused_effective_cost, 0) as used_and_unused_effective_cost
from paid
left join spread
    on
        paid.commitment_discount_id = spread.commitment_discount_id
        and paid.x_billing_period = spread.x_billing_period
where
    abs(
        coalesce(spread.used_and_unused_effective_cost, 0)
        - (paid.recurring_fee_billed_cost + paid.amortised_upfront)
    ) > {{ var('reconciliation_tolerance') }}
