{#- One row per landed GCP billing export row. Flattens the export's RECORD columns into snake_case columns,
    casts money and quantities to type_money(), normalises `cost_type` (`rounding error` -> `rounding_error`),
    derives the billing period from `invoice.month` in US Pacific time, and renders the four label lists as
    one FOCUS Tags JSON object. `credits` stays the repeated column it is; int_gcp__billing_credits unnests
    it. No joins, no filters and no cross-row logic. -#}

with

source as (

    select * from {{ source('gcp_billing', 'gcp_billing_export_resource_v1') }}

),

renamed as (

    select
        -- lineage
        {{ dbt.hash(dbt.concat([
            "_delivery_id", "'|'", "_source_file", "'|'", dbt.cast("_source_row_number", dbt.type_string())
        ])) }} as source_line_id,
        _delivery_id as delivery_id,
        _source_file as source_file,
        _source_row_number as source_row_number,
        _source_format as source_format,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,
        {{ dbt.cast('export_time', dbt.type_timestamp()) }} as export_time,

        -- account and periods
        billing_account_id,
        invoice.month as invoice_month,
        {{ dbt.concat(["substr(invoice.month, 1, 4)", "'-'", "substr(invoice.month, 5, 2)"]) }} as billing_period,
        {{ dbt.cast(gcp_pacific_month_start(gcp_invoice_month_start('invoice.month')), dbt.type_timestamp()) }}
            as billing_period_start,
        {{ dbt.cast(
            gcp_pacific_month_start(dbt.dateadd('month', 1, gcp_invoice_month_start('invoice.month'))),
            dbt.type_timestamp()
        ) }} as billing_period_end,
        invoice.publisher_type as invoice_publisher_type,
        {{ dbt.cast('usage_start_time', dbt.type_timestamp()) }} as usage_start_time,
        {{ dbt.cast('usage_end_time', dbt.type_timestamp()) }} as usage_end_time,

        -- what was charged
        lower(replace(cost_type, ' ', '_')) as cost_type,
        cost_type as delivered_cost_type,
        service.id as service_id,
        service.description as service_description,
        sku.id as sku_id,
        sku.description as sku_description,
        transaction_type,
        seller_name,
        adjustment_info.id as adjustment_id,
        adjustment_info.description as adjustment_description,
        adjustment_info.mode as adjustment_mode,
        adjustment_info.type as adjustment_type,
        subscription.instance_id as subscription_instance_id,
        consumption_model.id as consumption_model_id,
        consumption_model.description as consumption_model_description,

        -- where
        project.id as project_id,
        project.number as project_number,
        project.name as project_name,
        project.ancestry_numbers as project_ancestry_numbers,
        location.location as location,
        location.country as location_country,
        location.region as location_region,
        location.zone as location_zone,
        resource.name as resource_name,
        resource.global_name as resource_global_name,
        {{ gcp_label_value('system_labels', "'compute.googleapis.com/machine_spec'") }} as machine_spec,

        -- money and quantities
        currency,
        {{ to_money('cost') }} as cost,
        {{ to_money('currency_conversion_rate') }} as currency_conversion_rate,
        {{ to_money('cost_at_list') }} as cost_at_list,
        {{ to_money('cost_at_effective_price_default') }} as cost_at_effective_price_default,
        {{ to_money('cost_at_list_consumption_model') }} as cost_at_list_consumption_model,
        {{ to_money('usage.amount') }} as usage_amount,
        usage.unit as usage_unit,
        {{ to_money('usage.amount_in_pricing_units') }} as usage_amount_in_pricing_units,
        usage.pricing_unit as usage_pricing_unit,
        {{ to_money('price.effective_price') }} as price_effective_price,
        {{ to_money('price.tier_start_amount') }} as price_tier_start_amount,
        price.unit as price_unit,
        {{ to_money('price.pricing_unit_quantity') }} as price_pricing_unit_quantity,
        {{ to_money('price.list_price') }} as price_list_price,
        {{ to_money('price.effective_price_default') }} as price_effective_price_default,
        credits,

        -- tags
        {{ gcp_labels_to_json('labels', 'system_labels', 'project.labels', 'tags') }} as tags

    from source

)

select * from renamed
