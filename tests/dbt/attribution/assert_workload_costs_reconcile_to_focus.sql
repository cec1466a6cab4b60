{#- Account-level conservation gate: per provider × billing account × billing period × currency, Σ EffectiveCost
    and Σ BilledCost of fct_workload_costs_daily equal those of focus_cost_and_usage within
    var('reconciliation_tolerance') (default $0.01). A failing row names the unit and both totals. -#}

with

focus_totals as (

    select
        x_source_provider as provider,
        BillingAccountId as billing_account_id,
        BillingPeriodStart as billing_period_start,
        BillingCurrency as billing_currency,
        sum(EffectiveCost) as effective_cost,
        sum(BilledCost) as billed_cost
    from {{ ref('focus_cost_and_usage') }}
    group by x_source_provider, BillingAccountId, BillingPeriodStart, BillingCurrency

),

workload_totals as (

    select
        provider,
        billing_account_id,
        billing_period_start,
        billing_currency,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('fct_workload_costs_daily') }}
    group by provider, billing_account_id, billing_period_start, billing_currency

)

{{ sums_mismatch(
    'focus_totals',
    'workload_totals',
    keys=['provider', 'billing_account_id', 'billing_period_start', 'billing_currency'],
    measures=['effective_cost', 'billed_cost'],
    left_label='focus',
    right_label='workload'
) }}
