{#- Every landed Azure line of both datasets, paired by billing account × billing period, with the amounts
    FOCUS takes from it (finops-toolkit convert.md, provider_exports.md §2.4):
    - amortized, every row: EffectiveCost = cost; BilledCost = 0 where PricingModel is Reservation or
      SavingsPlan and ChargeType is Usage, UnusedReservation or UnusedSavingsPlan (that usage is billed
      through the purchase), else cost;
    - actual, when the period's amortized dataset is landed: only ChargeType Purchase or Refund with
      PricingModel Reservation or SavingsPlan, BilledCost = cost and EffectiveCost 0 (amortized already spreads
      them); every other actual line is excluded with its reason (its cost is in the amortized dataset);
    - actual, when no amortized dataset is landed for the period: every line, EffectiveCost = BilledCost = cost
      (amortization_available false).
    Excluded lines stay here with exclusion_reason, so the conservation test can account for every landed line. -#}

with

actual_lines as (

    select * from {{ ref('stg_azure__cost_details_actual') }}

),

amortized_lines as (

    select * from {{ ref('stg_azure__cost_details_amortized') }}

),

-- The delivery ids of each period read the lines a second time, only the columns they need: DuckDB buffers a CTE
-- read by two consumers until both are done, which here would hold every line with every column in memory.
actual_line_deliveries as (

    select
        billing_account_id,
        billing_period,
        delivery_id
    from {{ ref('stg_azure__cost_details_actual') }}

),

amortized_line_deliveries as (

    select
        billing_account_id,
        billing_period,
        delivery_id
    from {{ ref('stg_azure__cost_details_amortized') }}

),

actual_deliveries as (

    select
        billing_account_id,
        billing_period,
        max(delivery_id) as actual_delivery_id
    from actual_line_deliveries
    group by billing_account_id, billing_period

),

amortized_deliveries as (

    select
        billing_account_id,
        billing_period,
        max(delivery_id) as amortized_delivery_id
    from amortized_line_deliveries
    group by billing_account_id, billing_period

),

all_lines as (

    select
        actual_lines.*,
        amortized_deliveries.amortized_delivery_id is not null as amortization_available
    from actual_lines
    left join amortized_deliveries
        on
            actual_lines.billing_account_id = amortized_deliveries.billing_account_id
            and actual_lines.billing_period = amortized_deliveries.billing_period

    union all

    select
        amortized_lines.*,
        true as amortization_available
    from amortized_lines

),

classified as (

    select
        all_lines.*,
        lower(coalesce(all_lines.pricing_model, '')) in ('reservation', 'savingsplan') as is_commitment_priced,
        lower(all_lines.charge_type) in ('purchase', 'refund') as is_purchase_or_refund,
        lower(all_lines.charge_type) in ('usage', 'unusedreservation', 'unusedsavingsplan') as is_usage_or_unused
    from all_lines

),

paired as (

    select
        classified.*,
        case
            when
                classified.cost_dataset = 'actual'
                and classified.amortization_available
                and not (classified.is_purchase_or_refund and classified.is_commitment_priced)
                then
                    'actual line of a period whose amortized dataset is landed: its cost is in the amortized '
                    || 'dataset (only commitment purchases and refunds are taken from actual)'
        end as exclusion_reason,
        case
            when
                classified.cost_dataset = 'amortized'
                and classified.is_commitment_priced
                and classified.is_usage_or_unused
                then cast(0 as {{ type_money() }})
            else classified.cost
        end as billed_cost,
        case
            when classified.cost_dataset = 'actual' and classified.amortization_available
                then cast(0 as {{ type_money() }})
            else classified.cost
        end as effective_cost,
        {{ dbt.concat([
            "coalesce(actual_deliveries.actual_delivery_id, '-')", "'+'",
            "coalesce(amortized_deliveries.amortized_delivery_id, '-')"
        ]) }} as pair_delivery_id
    from classified
    left join actual_deliveries
        on
            classified.billing_account_id = actual_deliveries.billing_account_id
            and classified.billing_period = actual_deliveries.billing_period
    left join amortized_deliveries
        on
            classified.billing_account_id = amortized_deliveries.billing_account_id
            and classified.billing_period = amortized_deliveries.billing_period

)

select * from paired
