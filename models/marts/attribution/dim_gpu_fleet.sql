{#- One row per GPU resource on the bill: its shape, where it runs, how long it was billed and seen by
    telemetry, and what a GPU-hour of it cost as paid. -#}

with

fleet_hourly as (

    select * from {{ ref('int_gpu_fleet_hourly') }}

),

resources as (

    select
        fleet_hourly.provider,
        fleet_hourly.billing_account_id,
        fleet_hourly.resource_id,
        max(fleet_hourly.sub_account_id) as sub_account_id,
        max(fleet_hourly.billing_currency) as billing_currency,
        max(fleet_hourly.region_id) as region_id,
        max(fleet_hourly.resource_name) as resource_name,
        max(fleet_hourly.instance_type) as instance_type,
        max(fleet_hourly.gpu_model) as gpu_model,
        {{ to_money('max(fleet_hourly.gpu_count)') }} as gpu_count,
        {{ to_money('max(fleet_hourly.gpu_memory_total_gb)') }} as gpu_memory_total_gb,
        {{ to_money('max(fleet_hourly.vcpu)') }} as vcpu,
        {{ to_money('max(fleet_hourly.memory_gib)') }} as memory_gib,
        max(fleet_hourly.pricing_category) as pricing_category,
        max(fleet_hourly.cluster) as cluster,
        cast(max(fleet_hourly.node_count) as {{ dbt.type_bigint() }}) as max_node_count,
        min(fleet_hourly.hour_start) as first_billed_hour,
        max(fleet_hourly.hour_start) as last_billed_hour,
        cast(count(distinct fleet_hourly.hour_start) as {{ dbt.type_bigint() }}) as billed_hours,
        cast(
            count(distinct case when fleet_hourly.has_telemetry then fleet_hourly.hour_start end)
            as {{ dbt.type_bigint() }}
        ) as telemetry_hours,
        {{ to_money('sum(fleet_hourly.instance_hours)') }} as instance_hours,
        {{ to_money('sum(fleet_hourly.gpu_hours_capacity)') }} as gpu_hours_capacity,
        {{ to_money('sum(fleet_hourly.effective_cost)') }} as effective_cost,
        {{ to_money('sum(fleet_hourly.billed_cost)') }} as billed_cost
    from fleet_hourly
    group by fleet_hourly.provider, fleet_hourly.billing_account_id, fleet_hourly.resource_id

),

priced as (

    select
        resources.*,
        case
            when resources.gpu_hours_capacity > 0
                then {{ to_money('resources.effective_cost / resources.gpu_hours_capacity') }}
        end as effective_cost_per_gpu_hour
    from resources

)

select * from priced
