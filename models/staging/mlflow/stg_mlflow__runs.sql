{#- One row per tracking store × run. Reads the run-name, user and parent-run system tags out of the tags
    JSON; GPU count and mean utilisation were summarised from the system metrics at extraction. -#}

with

source as (

    select * from {{ source('mlflow', 'mlflow_runs') }}

),

renamed as (

    select
        tracking_store,
        experiment_id,
        experiment_name,
        run_id,
        coalesce({{ json_text_value('tags', "'mlflow.runName'") }}, run_name) as run_name,
        {{ json_text_value('tags', "'mlflow.parentRunId'") }} as parent_run_id,
        coalesce({{ json_text_value('tags', "'mlflow.user'") }}, user_id) as user_id,
        status,
        lifecycle_stage,
        {{ dbt.cast('start_time', dbt.type_timestamp()) }} as start_time,
        {{ dbt.cast('end_time', dbt.type_timestamp()) }} as end_time,
        artifact_uri,
        tags,
        params,
        latest_metrics,
        {{ dbt.cast('gpu_count_seen', dbt.type_int()) }} as gpu_count_seen,
        {{ dbt.cast('gpu_utilization_avg', type_double()) }} as gpu_utilization_avg,
        {{ dbt.cast('system_metric_samples', dbt.type_int()) }} as system_metric_samples,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
