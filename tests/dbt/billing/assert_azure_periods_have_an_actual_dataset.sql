{{ config(severity='warn') }}
{#- Warns about Azure billing accounts × periods whose amortized dataset has landed without the actual one.
    Their FOCUS rows are complete for EffectiveCost, but BilledCost lacks the commitment purchases and refunds
    that only the actual dataset carries, so it does not yet match the invoice. Land the actual export of the
    period (`ai-finops ingest azure-cost`). -#}

with

amortized_periods as (

    select
        billing_account_id,
        billing_period
    from {{ ref('stg_azure__cost_details_amortized') }}
    group by billing_account_id, billing_period

),

actual_periods as (

    select
        billing_account_id,
        billing_period
    from {{ ref('stg_azure__cost_details_actual') }}
    group by billing_account_id, billing_period

)

select
    amortized_periods.billing_account_id,
    amortized_periods.billing_period,
    'amortized dataset without its actual dataset: BilledCost lacks commitment purchases' as problem
from amortized_periods
left join actual_periods
    on
        amortized_periods.billing_account_id = actual_periods.billing_account_id
        and amortized_periods.billing_period = actual_periods.billing_period
where actual_periods.billing_account_id is null
