{#- The body of stg_azure__cost_details_actual and stg_azure__cost_details_amortized: the two landed tables
    have identical columns (azure_cost_schema.py), so one renaming serves both. One row per landed line;
    renames to FOCUS snake_case where a column has a direct FOCUS meaning, casts money and quantities to
    type_money(), turns Azure's inclusive dates into [start, end) timestamps. No joins, no cross-row logic. -#}
{% macro stg_azure_cost_details(source_table, cost_dataset) -%}

with

source as (

    select * from {{ source('azure_cost', source_table) }}

),

renamed as (

    select
        -- lineage
        {{ dbt.hash(dbt.concat([
            "_delivery_id", "'|'", "_source_file", "'|'", dbt.cast("_source_row_number", dbt.type_string())
        ])) }} as source_line_id,
        '{{ cost_dataset }}' as cost_dataset,
        _delivery_id as delivery_id,
        _source_file as source_file,
        _source_row_number as source_row_number,
        _source_format as source_format,
        _loaded_at as loaded_at,

        -- billing account: the billing profile on MCA, the enrolment on EA (where Azure writes it in both)
        coalesce(billing_profile_id, billing_account_id) as billing_account_id,
        case
            when billing_profile_id is not null and billing_profile_id <> coalesce(billing_account_id, '')
                then coalesce(billing_profile_name, billing_account_name)
            else coalesce(billing_account_name, billing_profile_name)
        end as billing_account_name,
        case
            when billing_profile_id is not null and billing_profile_id <> coalesce(billing_account_id, '')
                then 'Billing Profile'
            else 'Billing Account'
        end as billing_account_type,
        billing_account_id as azure_billing_account_id,
        billing_profile_id as azure_billing_profile_id,
        invoice_id,
        invoice_section_name,
        partner_name,

        -- periods: Azure's end dates are inclusive days; FOCUS ends are exclusive
        cast(billing_period_start_date as timestamp) as billing_period_start,
        cast(
            coalesce(
                {{ dbt.dateadd('day', 1, 'billing_period_end_date') }},
                {{ dbt.dateadd('month', 1, 'billing_period_start_date') }}
            ) as timestamp
        ) as billing_period_end,
        {{ month_key('cast(billing_period_start_date as timestamp)') }} as billing_period,
        cast(date as timestamp) as charge_period_start,
        cast({{ dbt.dateadd('day', 1, 'date') }} as timestamp) as charge_period_end,

        -- what was charged
        charge_type,
        pricing_model,
        frequency,
        term,
        coalesce(product_name, meter_name) as charge_description,
        subscription_id as sub_account_id,
        subscription_name as sub_account_name,
        resource_id,
        coalesce(
            resource_name,
            case when resource_id is not null then {{ azure_last_segment('resource_id') }} end
        ) as resource_name,
        resource_group,
        {{ azure_resource_type('resource_id') }} as resource_type,
        lower(consumed_service) as consumed_service,
        resource_location,
        availability_zone,
        meter_id,
        meter_name,
        meter_category,
        meter_sub_category,
        meter_region,
        product_id,
        part_number,
        service_family,
        publisher_type,
        publisher_name,
        {{ map_get('additional_info', "'ServiceType'") }} as vm_size,

        -- money and quantities (prices are per unit of measure, i.e. per pricing block)
        unit_of_measure,
        {{ to_money('quantity') }} as quantity,
        {{ to_money('cost_in_billing_currency') }} as cost,
        {{ to_money('effective_price') }} as effective_price,
        {{ to_money('unit_price') }} as unit_price,
        {{ to_money('payg_price') }} as payg_price,
        {{ to_money('payg_cost_in_billing_currency') }} as payg_cost,
        {{ to_money('exchange_rate_pricing_to_billing') }} as exchange_rate,
        billing_currency,
        coalesce(pricing_currency, billing_currency) as pricing_currency,

        -- commitments
        benefit_id,
        benefit_name,
        reservation_id,
        reservation_name,
        product_order_id,
        product_order_name,

        -- tags and details as flat JSON objects
        {{ map_to_json('tags') }} as tags,
        {{ map_to_json('additional_info') }} as additional_info

    from source

)

select * from renamed

{%- endmacro %}
