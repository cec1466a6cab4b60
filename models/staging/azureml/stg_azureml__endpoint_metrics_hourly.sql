{#- One row per workspace × online endpoint × deployment × UTC hour of `RequestsPerMinute` (Total at PT1M,
    summed to the hour at ingest). Renames and casts; no joins. -#}

with

source as (

    select * from {{ source('azureml', 'azureml_endpoint_metrics_hourly') }}

),

renamed as (

    select
        subscription_id,
        resource_group,
        workspace,
        lower({{ dbt.concat([
            "'/subscriptions/'", "subscription_id", "'/resourcegroups/'", "resource_group",
            "'/providers/microsoft.machinelearningservices/workspaces/'", "workspace"
        ]) }}) as workspace_resource_id_key,
        endpoint_name,
        deployment_name,
        {{ dbt.cast('hour_start', dbt.type_timestamp()) }} as hour_start,
        {{ dbt.cast('requests', type_double()) }} as requests,
        {{ dbt.cast('minute_count', dbt.type_int()) }} as minute_count,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
