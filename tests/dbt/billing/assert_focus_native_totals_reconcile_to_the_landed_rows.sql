{#- Per provider x billing account x billing period x currency, the native-FOCUS rows of the FOCUS dataset
    reconcile to the landed native rows (|Δ| ≤ tolerance): Σ BilledCost and Σ EffectiveCost. Read from the
    landed source, so staging, the upgrade to 1.2 and the mart are under test; the upgrade never changes an
    amount, so any difference is a lost, duplicated or altered row. -#}

with

landed as (

    select
        x_source_provider as provider,
        BillingAccountId as billing_account_id,
        {{ month_key('BillingPeriodStart') }} as billing_period,
        BillingCurrency as billing_currency,
        sum(cast(BilledCost as {{ type_money() }})) as landed_billed_cost,
        sum(cast(EffectiveCost as {{ type_money() }})) as landed_effective_cost
    from {{ source('focus_native', 'focus_line_items') }}
    group by x_source_provider, BillingAccountId, {{ month_key('BillingPeriodStart') }}, BillingCurrency

),

published as (

    select
        x_source_provider as provider,
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        BillingCurrency as billing_currency,
        sum(BilledCost) as focus_billed_cost,
        sum(EffectiveCost) as focus_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_source_kind = 'focus'
    group by x_source_provider, BillingAccountId, x_billing_period, BillingCurrency

),

compared as (

    select
        coalesce(landed.provider, published.provider) as provider,
        coalesce(landed.billing_account_id, published.billing_account_id) as billing_account_id,
        coalesce(landed.billing_period, published.billing_period) as billing_period,
        coalesce(landed.billing_currency, published.billing_currency) as billing_currency,
        landed.landed_billed_cost,
        published.focus_billed_cost,
        landed.landed_effective_cost,
        published.focus_effective_cost
    from landed
    full outer join published
        on
            landed.provider = published.provider
            and landed.billing_account_id = published.billing_account_id
            and landed.billing_period = published.billing_period
            and landed.billing_currency = published.billing_currency

)

select *
from compared
where
    landed_billed_cost is null
    or focus_billed_cost is null
    or abs(landed_billed_cost - focus_billed_cost) > {{ var('reconciliation_tolerance') }}
    or abs(landed_effective_cost - focus_effective_cost) > {{ var('reconciliation_tolerance') }}
