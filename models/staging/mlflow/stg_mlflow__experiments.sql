{#- One row per tracking store × experiment. Renames and casts; no joins, no filters. -#}

with

source as (

    select * from {{ source('mlflow', 'mlflow_experiments') }}

),

renamed as (

    select
        tracking_store,
        tracking_uri,
        experiment_id,
        name as experiment_name,
        artifact_location,
        lifecycle_stage,
        {{ dbt.cast('creation_time', dbt.type_timestamp()) }} as created_at,
        {{ dbt.cast('last_update_time', dbt.type_timestamp()) }} as last_updated_at,
        tags,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
