{#- One row per account × endpoint × variant × UTC hour of CloudWatch AWS/SageMaker metrics (aggregated to
    the hour at ingest). Adds the endpoint ARN the bill's ResourceId holds (lower-case). No joins. -#}

with

source as (

    select * from {{ source('sagemaker', 'sagemaker_endpoint_metrics_hourly') }}

),

renamed as (

    select
        account_id,
        region,
        endpoint_name,
        variant_name,
        {{ dbt.concat([
            "'arn:aws:sagemaker:'", "region", "':'", "account_id", "':endpoint/'", "lower(endpoint_name)"
        ]) }} as endpoint_arn_key,
        {{ dbt.cast('hour_start', dbt.type_timestamp()) }} as hour_start,
        {{ dbt.cast('invocations', type_double()) }} as invocations,
        {{ dbt.cast('model_latency_avg_us', type_double()) }} as model_latency_avg_us,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
