{#- One row per landed AWS CUR delivery x payer account x billing period, current or superseded, as ingest
    recorded it in `_delivery.json`. No joins and no cross-row logic: the delivery sequence is worked out in
    intermediate/billing. -#}

with

source as (

    select * from {{ source('aws_cur', 'cur_deliveries') }}

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
