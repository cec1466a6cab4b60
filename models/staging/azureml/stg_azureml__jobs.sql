{#- One row per Azure ML job. Renames and casts; reads the `mlflow_run_id` tag. No joins. -#}

with

source as (

    select * from {{ source('azureml', 'azureml_jobs') }}

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
        job_name,
        display_name,
        job_type,
        experiment_name,
        compute_id,
        compute_target,
        instance_type,
        {{ dbt.cast('node_count', dbt.type_int()) }} as node_count,
        status,
        {{ dbt.cast('creation_time', dbt.type_timestamp()) }} as creation_time,
        {{ dbt.cast('start_time', dbt.type_timestamp()) }} as start_time,
        {{ dbt.cast('end_time', dbt.type_timestamp()) }} as end_time,
        tags,
        {{ json_text_value('tags', "'mlflow_run_id'") }} as mlflow_run_id,
        properties,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
