{#- One row per landed CUR line. Renames to FOCUS snake_case where a column has a direct FOCUS meaning,
    casts money and quantities to type_money() and times to timestamp (BigQuery loads the landed Parquet
    timestamps as DATETIME or TIMESTAMP), keeps CUR-specific fields for the intermediate logic.
    No joins and no cross-row logic here. -#}

with

source as (

    select * from {{ source('aws_cur', 'cur_line_items') }}

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

        -- accounts and periods
        bill_payer_account_id as billing_account_id,
        bill_payer_account_name as billing_account_name,
        line_item_usage_account_id as sub_account_id,
        line_item_usage_account_name as sub_account_name,
        {{ dbt.date_trunc('month', 'bill_billing_period_start_date') }} as billing_period_start,
        coalesce(
            {{ dbt.cast('bill_billing_period_end_date', dbt.type_timestamp()) }},
            {{ dbt.cast(
                dbt.dateadd('month', 1, dbt.date_trunc('month', 'bill_billing_period_start_date')),
                dbt.type_timestamp()
            ) }}
        ) as billing_period_end,
        {{ month_key('bill_billing_period_start_date') }} as billing_period,
        {{ dbt.cast('line_item_usage_start_date', dbt.type_timestamp()) }} as charge_period_start,
        {{ dbt.cast('line_item_usage_end_date', dbt.type_timestamp()) }} as charge_period_end,
        bill_bill_type as bill_type,
        bill_billing_entity as billing_entity,
        bill_invoicing_entity as invoicing_entity,
        bill_invoice_id as invoice_id,
        line_item_legal_entity as legal_entity,
        line_item_currency_code as billing_currency,
        pricing_currency,

        -- what was charged
        line_item_line_item_type as line_item_type,
        line_item_line_item_description as charge_description,
        line_item_product_code as product_code,
        line_item_usage_type as usage_type,
        line_item_operation as operation,
        line_item_tax_type as tax_type,
        line_item_resource_id as resource_id,
        line_item_availability_zone as availability_zone,
        product_region_code as region_id,
        product_location as region_name_raw,
        product_sku as sku_id,
        -- A rate code (SKU.offer term.rate) names one price of one SKU; a bare rate id is shared across SKUs
        -- in legacy CUR, so it is qualified by its SKU.
        coalesce(
            pricing_rate_code,
            case when pricing_rate_id is not null then {{ dbt.concat(["product_sku", "'.'", "pricing_rate_id"]) }} end
        ) as sku_price_id,
        product_instance_type as instance_type,
        product_product_family as product_family,
        product_servicecode as service_code,
        pricing_term,
        pricing_unit,
        pricing_purchase_option,

        -- money and quantities
        {{ to_money('line_item_unblended_cost') }} as unblended_cost,
        {{ to_money('line_item_net_unblended_cost') }} as net_unblended_cost,
        {{ dbt.safe_cast('line_item_unblended_rate', type_money()) }} as unblended_rate,
        {{ dbt.safe_cast('line_item_net_unblended_rate', type_money()) }} as net_unblended_rate,
        {{ to_money('pricing_public_on_demand_cost') }} as public_on_demand_cost,
        {{ dbt.safe_cast('pricing_public_on_demand_rate', type_money()) }} as public_on_demand_rate,
        {{ to_money('line_item_usage_amount') }} as usage_amount,

        -- reservations
        reservation_reservation_a_r_n as reservation_arn,
        {{ to_money('reservation_effective_cost') }} as reservation_effective_cost,
        {{ to_money('reservation_net_effective_cost') }} as reservation_net_effective_cost,
        {{ to_money('reservation_unused_amortized_upfront_fee_for_billing_period') }}
            as reservation_unused_amortized_upfront_fee,
        {{ to_money('reservation_net_unused_amortized_upfront_fee_for_billing_period') }}
            as reservation_net_unused_amortized_upfront_fee,
        {{ to_money('reservation_unused_recurring_fee') }} as reservation_unused_recurring_fee,
        {{ to_money('reservation_net_unused_recurring_fee') }} as reservation_net_unused_recurring_fee,
        {{ to_money('reservation_amortized_upfront_fee_for_billing_period') }} as reservation_amortized_upfront_fee,
        {{ to_money('reservation_unused_quantity') }} as reservation_unused_quantity,
        {{ to_money('reservation_total_reserved_units') }} as reservation_total_reserved_units,

        -- savings plans
        savings_plan_savings_plan_a_r_n as savings_plan_arn,
        {{ to_money('savings_plan_savings_plan_effective_cost') }} as savings_plan_effective_cost,
        {{ to_money('savings_plan_net_savings_plan_effective_cost') }} as savings_plan_net_effective_cost,
        {{ to_money('savings_plan_total_commitment_to_date') }} as savings_plan_total_commitment_to_date,
        {{ to_money('savings_plan_used_commitment') }} as savings_plan_used_commitment,
        {{ to_money('savings_plan_amortized_upfront_commitment_for_billing_period') }}
            as savings_plan_amortized_upfront_commitment,

        -- capacity reservations
        capacity_reservation_capacity_reservation_arn as capacity_reservation_id,
        capacity_reservation_capacity_reservation_status as capacity_reservation_status_raw,
        capacity_reservation_capacity_reservation_type as capacity_reservation_type,

        -- split cost allocation (EKS / ECS pods)
        split_line_item_parent_resource_id as split_parent_resource_id,
        {{ to_money('split_line_item_split_cost') }} as split_cost,
        {{ to_money('split_line_item_unused_cost') }} as split_unused_cost,
        {{ to_money('split_line_item_split_usage_ratio') }} as split_usage_ratio,

        -- tags
        {{ map_to_json('resource_tags') }} as tags

    from source

)

select * from renamed
