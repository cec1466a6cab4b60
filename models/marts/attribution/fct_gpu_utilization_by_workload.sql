{#- GPU-hours allocated and used, cost and idle share per GPU resource, workload and day, from the GPU and
    managed-ML allocation rows (those that carry GPU-hours) and the resource's idle and unallocated rows. -#}

with

workload_costs as (

    select * from {{ ref('int_workload_costs_unioned') }}

),

gpu_rows as (

    select * from workload_costs
    where
        workload_costs.gpu_hours_allocated is not null
        or workload_costs.cost_class in ('idle', 'unallocated')

),

daily as (

    select
        gpu_rows.provider,
        gpu_rows.billing_account_id,
        gpu_rows.billing_currency,
        gpu_rows.charge_date,
        gpu_rows.resource_id,
        gpu_rows.workload_key,
        gpu_rows.workload_class,
        gpu_rows.team,
        gpu_rows.cost_class,
        {{ to_money('sum(coalesce(gpu_rows.gpu_hours_allocated, 0))') }} as gpu_hours_allocated,
        {{ to_money('sum(gpu_rows.gpu_hours_used)') }} as gpu_hours_used,
        {{ to_money('sum(gpu_rows.effective_cost)') }} as effective_cost,
        {{ to_money('sum(gpu_rows.billed_cost)') }} as billed_cost
    from gpu_rows
    group by
        gpu_rows.provider,
        gpu_rows.billing_account_id,
        gpu_rows.billing_currency,
        gpu_rows.charge_date,
        gpu_rows.resource_id,
        gpu_rows.workload_key,
        gpu_rows.workload_class,
        gpu_rows.team,
        gpu_rows.cost_class

),

with_resource_day as (

    select
        daily.*,
        case
            when daily.gpu_hours_allocated > 0 and daily.gpu_hours_used is not null
                then {{ to_money('daily.gpu_hours_used / daily.gpu_hours_allocated') }}
        end as gpu_utilization,
        sum(daily.effective_cost) over (
            partition by daily.provider, daily.billing_account_id, daily.resource_id, daily.charge_date
        ) as resource_day_effective_cost,
        sum(case when daily.cost_class = 'idle' then daily.effective_cost else 0 end) over (
            partition by daily.provider, daily.billing_account_id, daily.resource_id, daily.charge_date
        ) as resource_day_idle_cost
    from daily

),

final as (

    select
        with_resource_day.provider,
        with_resource_day.billing_account_id,
        with_resource_day.billing_currency,
        with_resource_day.charge_date,
        with_resource_day.resource_id,
        with_resource_day.workload_key,
        with_resource_day.workload_class,
        with_resource_day.team,
        with_resource_day.cost_class,
        with_resource_day.gpu_hours_allocated,
        with_resource_day.gpu_hours_used,
        with_resource_day.gpu_utilization,
        with_resource_day.effective_cost,
        with_resource_day.billed_cost,
        {{ to_money('with_resource_day.resource_day_effective_cost') }} as resource_day_effective_cost,
        case
            when with_resource_day.resource_day_effective_cost != 0
                then {{ to_money(
                    'with_resource_day.resource_day_idle_cost / with_resource_day.resource_day_effective_cost'
                ) }}
        end as resource_day_idle_share
    from with_resource_day

)

select * from final
