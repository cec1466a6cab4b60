{#- Conservation of managed-ML cost: per billing account × billing period × currency, Σ effective_cost and
    Σ billed_cost of int_managed_ml_costs_allocated_to_workloads (allocated + unallocated) equal Σ EffectiveCost
    and Σ BilledCost of the FOCUS rows it selects (macro is_managed_ml_line_item), within $0.01. Rows are never
    dropped: a job or endpoint without telemetry stays as `unallocated`, and every selected FOCUS row appears
    (a split cluster line counts once). -#}

with

focus_totals as (

    select
        BillingAccountId as billing_account_id,
        BillingPeriodStart as billing_period_start,
        BillingCurrency as billing_currency,
        sum(EffectiveCost) as effective_cost,
        sum(BilledCost) as billed_cost,
        count(*) as row_count
    from {{ ref('focus_cost_and_usage') }}
    where {{ is_managed_ml_line_item('x_source_provider', 'ServiceName', 'ResourceId', 'Tags') }}
    group by BillingAccountId, BillingPeriodStart, BillingCurrency

),

allocated_totals as (

    select
        billing_account_id,
        billing_period_start,
        billing_currency,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost,
        count(distinct {{ dbt.concat([
            'provider', "'|'", 'source_line_id', "'|'", "coalesce(x_commitment_discount_status, '')"
        ]) }}) as row_count
    from {{ ref('int_managed_ml_costs_allocated_to_workloads') }}
    group by billing_account_id, billing_period_start, billing_currency

),

compared as (

    select
        coalesce(focus_totals.billing_account_id, allocated_totals.billing_account_id) as billing_account_id,
        coalesce(focus_totals.billing_period_start, allocated_totals.billing_period_start) as billing_period_start,
        coalesce(focus_totals.billing_currency, allocated_totals.billing_currency) as billing_currency,
        focus_totals.effective_cost as focus_effective_cost,
        allocated_totals.effective_cost as allocated_effective_cost,
        focus_totals.billed_cost as focus_billed_cost,
        allocated_totals.billed_cost as allocated_billed_cost,
        focus_totals.row_count as focus_rows,
        allocated_totals.row_count as allocated_rows
    from focus_totals
    full outer join allocated_totals
        on
            focus_totals.billing_account_id = allocated_totals.billing_account_id
            and focus_totals.billing_period_start = allocated_totals.billing_period_start
            and focus_totals.billing_currency = allocated_totals.billing_currency

)

select * from compared
where
    abs(coalesce(focus_effective_cost, 0) - coalesce(allocated_effective_cost, 0)) > 0.01
    or abs(coalesce(focus_billed_cost, 0) - coalesce(allocated_billed_cost, 0)) > 0.01
    or coalesce(focus_rows, 0) != coalesce(allocated_rows, 0)
