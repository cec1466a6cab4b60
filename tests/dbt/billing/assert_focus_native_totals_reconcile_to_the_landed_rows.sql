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
        sum(cast(BilledCost as {{ type_money() }})) as billed_cost,
        sum(cast(EffectiveCost as {{ type_money() }})) as effective_cost
    from {{ source('focus_native', 'focus_line_items') }}
    group by x_source_provider, BillingAccountId, {{ month_key('BillingPeriodStart') }}, BillingCurrency

),

published as (

    select
        x_source_provider as provider,
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        BillingCurrency as billing_currency,
        sum(BilledCost) as billed_cost,
        sum(EffectiveCost) as effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_source_kind = 'focus'
    group by x_source_provider, BillingAccountId, x_billing_period, BillingCurrency

)

{{ sums_mismatch(
    'landed',
    'published',
    keys=['provider', 'billing_account_id', 'billing_period', 'billing_currency'],
    measures=['billed_cost', 'effective_cost'],
    right_label='focus'
) }}
