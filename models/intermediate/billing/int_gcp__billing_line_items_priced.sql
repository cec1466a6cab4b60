{#- One row per staged GCP billing row with what it bills and how it ties to a committed use discount.
    - billed_cost = cost + every credit except PROMOTION (PROMOTION credits are a form of payment and become
      Credit rows of their own, int_gcp__promotion_credit_line_items).
    - A commitment fee row is a `regular` row whose SKU description starts with "Commitment" (Google's FOCUS
      view uses the same rule): "Commitment v1: ..." resource-based, "Commitment - dollar based ..." spend-based.
    - A row is covered by a commitment when it carries a COMMITTED_USAGE_DISCOUNT(_DOLLAR_BASE) credit, or, in
      the spend-based model Google uses since 2025-07 (discounted price, no credit), when it names a
      `subscription.instance_id`.
    - The commitment is `subscription.instance_id` (from 2024-01-25). Before that, fees and credits cannot be
      tied to one commitment: they are pooled per billing account x region x CUD type under the synthetic id
      `gcp-cud-pool/<billing account>/<region>/<credit type>`. Only `regular` rows take part; a correction
      keeps its own amounts. -#}

{{ config(materialized='table') }}

with

billing_lines as (

    select * from {{ ref('stg_gcp__billing_export_line_items') }}

),

credits as (

    select * from {{ ref('int_gcp__billing_credits') }}

),

credit_totals as (

    select
        source_line_id,
        sum(case when coalesce(credit_type, '') <> 'PROMOTION' then credit_amount else 0 end)
            as non_promotion_credits,
        sum(case when credit_type = 'PROMOTION' then credit_amount else 0 end) as promotion_credits,
        sum(
            case
                when credit_type in ('COMMITTED_USAGE_DISCOUNT', 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE')
                    then credit_amount
                else 0
            end
        ) as commitment_credits,
        max(
            case
                when credit_type in ('COMMITTED_USAGE_DISCOUNT', 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE')
                    then credit_type
            end
        ) as commitment_credit_type
    from credits
    group by source_line_id

),

classified as (

    select
        billing_lines.*,
        coalesce(credit_totals.non_promotion_credits, 0) as non_promotion_credits,
        coalesce(credit_totals.promotion_credits, 0) as promotion_credits,
        coalesce(credit_totals.commitment_credits, 0) as commitment_credits,
        billing_lines.cost + coalesce(credit_totals.non_promotion_credits, 0) as billed_cost,
        coalesce(billing_lines.cost_type = 'regular' and lower(billing_lines.sku_description) like 'commitment%', false)
            as is_commitment_fee,
        case
            when billing_lines.cost_type <> 'regular' then null
            when lower(billing_lines.sku_description) like 'commitment - dollar based%'
                then 'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE'
            when lower(billing_lines.sku_description) like 'commitment%' then 'COMMITTED_USAGE_DISCOUNT'
            else credit_totals.commitment_credit_type
        end as commitment_credit_type,
        coalesce(billing_lines.location_region, billing_lines.location, 'global') as commitment_region
    from billing_lines
    left join credit_totals
        on billing_lines.source_line_id = credit_totals.source_line_id

),

linked as (

    select
        classified.*,
        case
            when classified.cost_type <> 'regular' then 'none'
            when classified.is_commitment_fee then 'fee'
            when classified.commitment_credits <> 0 then 'credited'
            when classified.subscription_instance_id is not null then 'discounted'
            else 'none'
        end as commitment_role,
        case
            when classified.commitment_credit_type = 'COMMITTED_USAGE_DISCOUNT' then 'Usage'
            when classified.commitment_credit_type is not null then 'Spend'
            when classified.cost_type = 'regular' and classified.subscription_instance_id is not null then 'Spend'
        end as commitment_discount_category
    from classified

),

priced as (

    select
        linked.*,
        case
            when linked.commitment_role in ('fee', 'credited')
                then coalesce(
                    linked.subscription_instance_id,
                    {{ dbt.concat([
                        "'gcp-cud-pool/'", "linked.billing_account_id", "'/'", "linked.commitment_region", "'/'",
                        "linked.commitment_credit_type"
                    ]) }}
                )
            when linked.commitment_role = 'discounted' then linked.subscription_instance_id
        end as commitment_discount_id,
        linked.commitment_role in ('fee', 'credited') and linked.subscription_instance_id is null
            as is_pooled_commitment,
        -- commitment units this row used: the covered share of its usage (resource-based: usage in pricing
        -- units x |credit| / cost, as Google's CUD coverage query computes it), the on-demand spend its
        -- credit covered (spend-based, legacy), or its discounted cost (spend-based, since 2025-07)
        case
            when linked.commitment_role = 'credited' and linked.commitment_credit_type = 'COMMITTED_USAGE_DISCOUNT'
                then
                    case
                        when linked.cost <> 0
                            then cast(
                                linked.usage_amount_in_pricing_units * abs(linked.commitment_credits) / linked.cost
                                as {{ type_money() }}
                            )
                        else 0
                    end
            when linked.commitment_role = 'credited' then abs(linked.commitment_credits)
            when linked.commitment_role = 'discounted' then linked.cost
        end as commitment_used_quantity
    from linked

)

select * from priced
