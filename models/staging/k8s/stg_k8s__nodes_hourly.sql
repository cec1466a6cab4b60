{#- One row per cluster × node × hour the node was seen by kube-state-metrics (source
    k8s.k8s_nodes_hourly, pre-aggregated to the hour at ingest). Converts memory to GiB and categorises how
    the node shares its GPUs from the NVIDIA GPU feature discovery labels. No joins. -#}

with

source as (

    select * from {{ source('k8s', 'k8s_nodes_hourly') }}

),

renamed as (

    select
        provider,
        cluster,
        node,
        provider_id,
        resource_id,
        billed_resource_id,
        instance_type,
        gpu_product,
        {{ dbt.cast(
            'coalesce(gpu_count_label, round(gpu_capacity / coalesce(gpu_replicas_label, 1), 0))',
            dbt.type_bigint()
        ) }} as gpu_count,
        case
            when mig_strategy_label in ('single', 'mixed') then 'mig'
            when gpu_sharing_strategy_label = 'mps' then 'mps'
            when gpu_sharing_strategy_label = 'time-slicing' or gpu_replicas_label > 1 then 'time_slicing'
            else 'exclusive'
        end as gpu_sharing,
        case
            when mig_strategy_label in ('single', 'mixed') then 1
            else coalesce(gpu_replicas_label, 1)
        end as gpu_replicas,
        mig_strategy_label as mig_strategy,
        cpu_capacity_cores as vcpu,
        memory_capacity_bytes / 1073741824.0 as memory_gib,
        {{ dbt.cast('hour_start', dbt.type_timestamp()) }} as hour_start,
        seconds_observed,
        sample_count,
        gpu_capacity as gpu_capacity_reported,
        labels as node_labels,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
