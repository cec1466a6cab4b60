{#- The body of the stg_<provider>__*_deliveries models (AWS, Azure, GCP): one row per landed delivery × billing
    account × billing period, current or superseded, from the view ingest keeps over the `_delivery.json`
    files (ai_finops/ingest/views.py). Renames and casts only. -#}
{% macro stg_billing_deliveries(source_relation) -%}

with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        _delivery_id as delivery_id,
        billing_account_id,
        billing_period,
        {{ dbt.cast('row_count', dbt.type_bigint()) }} as delivered_rows,
        replaces_delivery_id,
        invoice_ids as recorded_invoice_ids,
        {{ dbt.cast('data_through', dbt.type_timestamp()) }} as data_through,
        manifest_id,
        manifest_path,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed

{%- endmacro %}
