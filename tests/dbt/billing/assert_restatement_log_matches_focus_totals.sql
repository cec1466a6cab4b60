{#- The current delivery of every AWS CUR billing period, as the restatement log prices it, bills and
    amortises exactly what the published FOCUS dataset does for that payer account and period (|Δ| ≤
    tolerance): the log reuses the FOCUS pricing macros, and this keeps the two from drifting apart. -#}

with

log_totals as (

    select
        billing_account_id,
        billing_period,
        billed_cost_after as log_billed_cost,
        effective_cost_after as log_effective_cost
    from {{ ref('fct_billing_restatements') }}
    where provider_name = 'aws' and source_kind = 'cur' and is_current_delivery

),

focus_totals as (

    select
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        sum(BilledCost) as focus_billed_cost,
        sum(EffectiveCost) as focus_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'aws' and x_source_kind = 'cur'
    group by BillingAccountId, x_billing_period

),

compared as (

    select
        coalesce(log_totals.billing_account_id, focus_totals.billing_account_id) as billing_account_id,
        coalesce(log_totals.billing_period, focus_totals.billing_period) as billing_period,
        log_totals.log_billed_cost,
        focus_totals.focus_billed_cost,
        log_totals.log_effective_cost,
        focus_totals.focus_effective_cost
    from log_totals
    full outer join focus_totals
        on
            log_totals.billing_account_id = focus_totals.billing_account_id
            and log_totals.billing_period = focus_totals.billing_period

)

select * from compared
where
    log_billed_cost is null
    or focus_billed_cost is null
    or abs(log_billed_cost - focus_billed_cost) > {{ var('reconciliation_tolerance') }}
    or abs(log_effective_cost - focus_effective_cost) > {{ var('reconciliation_tolerance') }}
