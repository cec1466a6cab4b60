{#- One row per Vertex AI CustomJob. Renames and casts; reads the `mlflow_run_id` label. No joins. -#}

with

source as (

    select * from {{ source('vertex', 'vertex_custom_jobs') }}

),

renamed as (

    select
        project_id,
        region,
        job_id,
        job_resource_name,
        display_name,
        state,
        machine_type,
        accelerator_type,
        {{ dbt.cast('accelerator_count', dbt.type_int()) }} as accelerator_count,
        {{ dbt.cast('replica_count', dbt.type_int()) }} as replica_count,
        scheduling_strategy,
        {{ dbt.cast('create_time', dbt.type_timestamp()) }} as create_time,
        {{ dbt.cast('start_time', dbt.type_timestamp()) }} as start_time,
        {{ dbt.cast('end_time', dbt.type_timestamp()) }} as end_time,
        labels,
        {{ json_text_value('labels', "'mlflow_run_id'") }} as mlflow_run_id,
        worker_pool_specs,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
