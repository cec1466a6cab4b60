{#- Every dollar of the FOCUS dataset by workload and day: int_workload_costs_unioned summed to the day. -#}

with

workload_costs as (

    select * from {{ ref('int_workload_costs_unioned') }}

),

daily as (

    select
        workload_costs.provider,
        workload_costs.billing_account_id,
        workload_costs.sub_account_id,
        workload_costs.billing_period_start,
        workload_costs.billing_currency,
        workload_costs.charge_date,
        workload_costs.workload_key,
        workload_costs.workload_class,
        workload_costs.team,
        workload_costs.model_name,
        max(workload_costs.run_id) as run_id,
        max(workload_costs.experiment_name) as experiment_name,
        workload_costs.cost_class,
        workload_costs.allocation_method,
        {{ to_money('sum(workload_costs.gpu_hours_allocated)') }} as gpu_hours_allocated,
        {{ to_money('sum(workload_costs.gpu_hours_used)') }} as gpu_hours_used,
        {{ to_money('sum(workload_costs.effective_cost)') }} as effective_cost,
        {{ to_money('sum(workload_costs.billed_cost)') }} as billed_cost,
        cast(count(*) as {{ dbt.type_bigint() }}) as allocation_row_count
    from workload_costs
    group by
        workload_costs.provider,
        workload_costs.billing_account_id,
        workload_costs.sub_account_id,
        workload_costs.billing_period_start,
        workload_costs.billing_currency,
        workload_costs.charge_date,
        workload_costs.workload_key,
        workload_costs.workload_class,
        workload_costs.team,
        workload_costs.model_name,
        workload_costs.cost_class,
        workload_costs.allocation_method

)

select * from daily
