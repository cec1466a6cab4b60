{#- One row per cluster × node × pod uid × container × resource × hour a container held a resource request
    (source k8s.k8s_pod_resource_requests_hourly: kube_pod_container_resource_requests, pre-aggregated to
    the hour at ingest). Reads the MIG profile from the resource name and converts memory to GiB. No joins. -#}

with

source as (

    select * from {{ source('k8s', 'k8s_pod_resource_requests_hourly') }}

),

renamed as (

    select
        provider,
        cluster,
        node,
        namespace,
        pod,
        pod_uid,
        container,
        resource,
        case
            when resource like 'nvidia_com_mig_%' then replace(substr(resource, 16), '_', '.')
        end as mig_profile,
        case
            when resource = 'memory' then requested_avg / 1073741824.0
            else requested_avg
        end as requested,
        unit as request_unit,
        {{ dbt.cast('hour_start', dbt.type_timestamp()) }} as hour_start,
        seconds_observed,
        sample_count,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
