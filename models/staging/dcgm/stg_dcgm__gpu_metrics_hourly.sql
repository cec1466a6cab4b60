{#- One row per cluster × hostname × GPU uuid × GPU instance × pod × hour (source
    dcgm.dcgm_gpu_metrics_hourly: dcgm-exporter series pre-aggregated to the hour at ingest). Takes the host
    from the newer `hostname` label, else the older `Hostname`. No joins. -#}

with

source as (

    select * from {{ source('dcgm', 'dcgm_gpu_metrics_hourly') }}

),

renamed as (

    select
        provider,
        cluster,
        coalesce(hostname, hostname_legacy) as hostname,
        case
            when hostname is not null then 'hostname'
            when hostname_legacy is not null then 'Hostname'
        end as hostname_label,
        gpu_uuid,
        gpu_index,
        model_name,
        gpu_instance_id,
        gpu_instance_profile,
        namespace,
        pod,
        container,
        {{ dbt.cast('hour_start', dbt.type_timestamp()) }} as hour_start,
        sample_count,
        seconds_observed,
        gpu_util_avg,
        fb_used_mib_avg,
        fb_free_mib_avg,
        gr_engine_active_avg,
        sm_active_avg,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
