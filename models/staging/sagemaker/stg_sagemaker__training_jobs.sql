{#- One row per SageMaker training job. Renames and casts; the ARN is lower-cased into
    `training_job_arn_key`, the key the bill's ResourceId is compared on. No joins. -#}

with

source as (

    select * from {{ source('sagemaker', 'sagemaker_training_jobs') }}

),

renamed as (

    select
        account_id,
        region,
        training_job_name,
        training_job_arn,
        lower(training_job_arn) as training_job_arn_key,
        training_job_status as status,
        secondary_status,
        instance_type,
        {{ dbt.cast('instance_count', dbt.type_int()) }} as instance_count,
        {{ dbt.cast('volume_size_in_gb', dbt.type_int()) }} as volume_size_in_gb,
        coalesce(enable_managed_spot_training, false) as managed_spot,
        {{ dbt.cast('training_time_in_seconds', dbt.type_int()) }} as training_time_seconds,
        {{ dbt.cast('billable_time_in_seconds', dbt.type_int()) }} as billable_time_seconds,
        {{ dbt.cast('creation_time', dbt.type_timestamp()) }} as creation_time,
        {{ dbt.cast('training_start_time', dbt.type_timestamp()) }} as training_start_time,
        {{ dbt.cast('training_end_time', dbt.type_timestamp()) }} as training_end_time,
        checkpoint_s3_uri,
        experiment_name,
        trial_name,
        hyper_parameters,
        tags,
        {{ json_text_value('tags', "'mlflow_run_id'") }} as mlflow_run_id,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
