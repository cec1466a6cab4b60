{#- One row per project × region × endpoint × deployed model × UTC hour of `prediction_count` (summed to
    the hour at ingest). Renames and casts; no joins. -#}

with

source as (

    select * from {{ source('vertex', 'vertex_endpoint_metrics_hourly') }}

),

renamed as (

    select
        project_id,
        region,
        endpoint_id,
        deployed_model_id,
        {{ dbt.cast('hour_start', dbt.type_timestamp()) }} as hour_start,
        {{ dbt.cast('prediction_count', type_double()) }} as prediction_count,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
