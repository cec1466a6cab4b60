{#- The current delivery of every AWS CUR billing period and GCP invoice month, as the restatement log
    prices it, bills and amortises exactly what the published FOCUS dataset does for that billing account and
    period (|Δ| ≤ tolerance): the log reuses the FOCUS pricing macros (AWS) or the total the FOCUS rows
    conserve (GCP: Σ cost + Σ credits), and this keeps the two from drifting apart. Azure's log prices each
    dataset on its own, so its totals are compared with the bill in the Azure reconciliation tests. -#}

with

log_totals as (

    select
        provider_name,
        billing_account_id,
        billing_period,
        billed_cost_after as log_billed_cost,
        effective_cost_after as log_effective_cost
    from {{ ref('fct_billing_restatements') }}
    where
        is_current_delivery
        and (
            (provider_name = 'aws' and source_kind = 'cur')
            or (provider_name = 'gcp' and source_kind = 'billing_export')
        )

),

focus_totals as (

    select
        x_source_provider as provider_name,
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        sum(BilledCost) as focus_billed_cost,
        sum(EffectiveCost) as focus_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where
        (x_source_provider = 'aws' and x_source_kind = 'cur')
        or (x_source_provider = 'gcp' and x_source_kind = 'billing_export')
    group by x_source_provider, BillingAccountId, x_billing_period

),

compared as (

    select
        coalesce(log_totals.provider_name, focus_totals.provider_name) as provider_name,
        coalesce(log_totals.billing_account_id, focus_totals.billing_account_id) as billing_account_id,
        coalesce(log_totals.billing_period, focus_totals.billing_period) as billing_period,
        log_totals.log_billed_cost,
        focus_totals.focus_billed_cost,
        log_totals.log_effective_cost,
        focus_totals.focus_effective_cost
    from log_totals
    full outer join focus_totals
        on
            log_totals.provider_name = focus_totals.provider_name
            and log_totals.billing_account_id = focus_totals.billing_account_id
            and log_totals.billing_period = focus_totals.billing_period

)

select * from compared
where
    log_billed_cost is null
    or focus_billed_cost is null
    or abs(log_billed_cost - focus_billed_cost) > {{ var('reconciliation_tolerance') }}
    or abs(log_effective_cost - focus_effective_cost) > {{ var('reconciliation_tolerance') }}
