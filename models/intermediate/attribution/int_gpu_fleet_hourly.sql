{#- One row per GPU resource (FOCUS ResourceId) × billing account × UTC hour on the bill: the instance's shape
    from the GPU catalog, what that resource-hour cost as paid (EffectiveCost: RIs, Savings Plans, CUDs and spot
    priced as used) and as invoiced (BilledCost), summed over its FOCUS lines after daily lines were spread to
    hours (int_gpu_fleet_line_items_hourly), the effective $ per GPU-hour, and whether Kubernetes saw the node. -#}

{{ config(materialized='table') }}

with

line_items_hourly as (

    select * from {{ ref('int_gpu_fleet_line_items_hourly') }}

),

gpu_instance_catalog as (

    select * from {{ ref('gpu_instance_catalog') }}

),

nodes_hourly as (

    select * from {{ ref('stg_k8s__nodes_hourly') }}

),

resource_hours as (

    select
        resource_hour_id,
        provider,
        billing_account_id,
        sub_account_id,
        billing_period_start,
        billing_currency,
        region_id,
        resource_id,
        max(resource_name) as resource_name,
        telemetry_resource_key,
        instance_type,
        max(accelerator_type) as accelerator_type,
        sum(accelerator_gpu_hours) as accelerator_gpu_hours,
        case
            when count(distinct pricing_category) > 1 then 'Mixed'
            else max(pricing_category)
        end as pricing_category,
        charge_date,
        hour_start,
        {# the weakest basis among the hour's lines: even_24h, then hourly_line, then telemetry_hours #}
        min(x_hour_basis) as x_hour_basis,
        count(*) as source_line_count,
        {# unused capacity reservation (AWS ODCR `UnusedBox`): capacity paid for and idle by definition #}
        min(case when lower(capacity_reservation_status) = 'unused' then 1 else 0 end) = 1 as is_unused_reservation,
        {# instance-hours the bill charged: VM usage quantity in hours (AWS, Azure); GCP bills one instance per
            resource in core / RAM / GPU units, so 1 #}
        case
            when provider = 'gcp' then 1
            else sum(case when lower(consumed_unit) like 'hour%' then consumed_quantity end)
        end as billed_instance_hours,
        max(tags) as tags,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from line_items_hourly
    group by
        resource_hour_id,
        provider,
        billing_account_id,
        sub_account_id,
        billing_period_start,
        billing_currency,
        region_id,
        resource_id,
        telemetry_resource_key,
        instance_type,
        charge_date,
        hour_start

),

node_hours as (

    select
        provider,
        lower(billed_resource_id) as telemetry_resource_key,
        hour_start,
        max(cluster) as cluster,
        count(*) as node_count,
        sum(least(seconds_observed, 3600)) / 3600.0 as telemetry_instance_hours
    from nodes_hourly
    where billed_resource_id is not null
    group by provider, lower(billed_resource_id), hour_start

),

fleet_joined as (

    select
        resource_hours.resource_hour_id,
        resource_hours.provider,
        resource_hours.billing_account_id,
        resource_hours.sub_account_id,
        resource_hours.billing_period_start,
        resource_hours.billing_currency,
        resource_hours.region_id,
        resource_hours.resource_id,
        resource_hours.resource_name,
        resource_hours.telemetry_resource_key,
        resource_hours.instance_type,
        resource_hours.accelerator_type,
        coalesce(catalog.gpu_model, accelerator.gpu_model) as gpu_model,
        {# attached accelerators: GPUs = the GPU line's GPU-hours in the hour (rounded up), else the catalog's #}
        coalesce(
            catalog.gpu_count,
            {{ dbt.cast('ceil(resource_hours.accelerator_gpu_hours - 0.000001)', dbt.type_int()) }},
            accelerator.gpu_count
        ) as gpu_count,
        coalesce(catalog.gpu_memory_per_gpu_gb, accelerator.gpu_memory_per_gpu_gb) as gpu_memory_per_gpu_gb,
        coalesce(
            catalog.gpu_memory_total_gb,
            accelerator.gpu_memory_per_gpu_gb * coalesce(
                {{ dbt.cast('ceil(resource_hours.accelerator_gpu_hours - 0.000001)', dbt.type_int()) }},
                accelerator.gpu_count
            )
        ) as gpu_memory_total_gb,
        {# the machine type of a VM with attached accelerators is no catalog row: cores and MiB from GCP's labels #}
        coalesce(
            catalog.vcpu,
            {{ dbt.safe_cast(json_text_value('resource_hours.tags', "'compute.googleapis.com/cores'"), dbt.type_int()) }}
        ) as vcpu,
        coalesce(
            catalog.memory_gib,
            {{ dbt.safe_cast(json_text_value('resource_hours.tags', "'compute.googleapis.com/memory'"), type_double()) }}
            / 1024.0
        ) as memory_gib,
        resource_hours.pricing_category,
        resource_hours.charge_date,
        resource_hours.hour_start,
        resource_hours.x_hour_basis,
        resource_hours.source_line_count,
        resource_hours.is_unused_reservation,
        resource_hours.tags,
        resource_hours.billed_instance_hours,
        coalesce(node_hours.telemetry_instance_hours, 0) as telemetry_instance_hours,
        {# instance-hours the resource-hour stands for: what telemetry saw or the bill charged, whichever is more
            (1 when the bill states no hours) #}
        greatest(
            coalesce(node_hours.telemetry_instance_hours, 0),
            coalesce(nullif(resource_hours.billed_instance_hours, 0), 1)
        ) as instance_hours,
        resource_hours.effective_cost,
        resource_hours.billed_cost,
        node_hours.cluster,
        node_hours.node_count,
        node_hours.telemetry_resource_key is not null as has_telemetry
    from resource_hours
    left join gpu_instance_catalog as catalog
        on
            resource_hours.provider = catalog.provider
            and resource_hours.instance_type = catalog.instance_type
    left join gpu_instance_catalog as accelerator
        on
            resource_hours.provider = accelerator.provider
            and resource_hours.accelerator_type = accelerator.instance_type
    left join node_hours
        on
            resource_hours.provider = node_hours.provider
            and resource_hours.telemetry_resource_key = node_hours.telemetry_resource_key
            and resource_hours.hour_start = node_hours.hour_start
    where catalog.instance_type is not null or accelerator.instance_type is not null

),

fleet as (

    select
        fleet_joined.*,
        fleet_joined.gpu_count * fleet_joined.instance_hours as gpu_hours_capacity,
        case
            when fleet_joined.gpu_count > 0
                then {{ to_money('fleet_joined.effective_cost / (fleet_joined.gpu_count * fleet_joined.instance_hours)') }}
        end as effective_cost_per_gpu_hour
    from fleet_joined

)

select * from fleet
