{#- One row per landed native FOCUS row. Renames the FOCUS PascalCase columns to the project's snake_case,
    casts money and quantities to type_money(), keeps the provider columns the upgrade uses. No joins, no
    derivations: the upgrade to FOCUS 1.2 happens in int_focus__focus_line_items. -#}

with

source as (

    select * from {{ source('focus_native', 'focus_line_items') }}

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
        _loaded_at as loaded_at,
        x_source_provider as source_provider,
        x_source_focus_version as source_focus_version,

        -- accounts and periods
        BillingAccountId as billing_account_id,
        BillingAccountName as billing_account_name,
        BillingAccountType as billing_account_type,
        SubAccountId as sub_account_id,
        SubAccountName as sub_account_name,
        SubAccountType as sub_account_type,
        BillingPeriodStart as billing_period_start,
        BillingPeriodEnd as billing_period_end,
        {{ month_key('BillingPeriodStart') }} as billing_period,
        ChargePeriodStart as charge_period_start,
        ChargePeriodEnd as charge_period_end,
        BillingCurrency as billing_currency,
        PricingCurrency as pricing_currency,
        InvoiceId as invoice_id,
        InvoiceIssuerName as invoice_issuer_name,
        ProviderName as provider_name,
        PublisherName as publisher_name,

        -- what was charged
        ChargeCategory as charge_category,
        ChargeClass as charge_class,
        ChargeDescription as charge_description,
        ChargeFrequency as charge_frequency,
        PricingCategory as pricing_category,
        PricingUnit as pricing_unit,
        ConsumedUnit as consumed_unit,
        ServiceCategory as service_category,
        ServiceName as service_name,
        ServiceSubcategory as service_subcategory,
        SkuId as sku_id,
        SkuMeter as sku_meter,
        SkuPriceId as sku_price_id,
        SkuPriceDetails as sku_price_details,
        AvailabilityZone as availability_zone,
        RegionId as region_id,
        RegionName as region_name,
        ResourceId as resource_id,
        ResourceName as resource_name,
        ResourceType as resource_type,
        Tags as tags,

        -- money and quantities
        {{ to_money('BilledCost') }} as billed_cost,
        {{ to_money('EffectiveCost') }} as effective_cost,
        {{ to_money('ListCost') }} as list_cost,
        {{ to_money('ContractedCost') }} as contracted_cost,
        {{ to_money('ListUnitPrice') }} as list_unit_price,
        {{ to_money('ContractedUnitPrice') }} as contracted_unit_price,
        {{ to_money('PricingQuantity') }} as pricing_quantity,
        {{ to_money('ConsumedQuantity') }} as consumed_quantity,
        {{ to_money('PricingCurrencyContractedUnitPrice') }} as pricing_currency_contracted_unit_price,
        {{ to_money('PricingCurrencyEffectiveCost') }} as pricing_currency_effective_cost,
        {{ to_money('PricingCurrencyListUnitPrice') }} as pricing_currency_list_unit_price,

        -- commitments and capacity reservations
        CommitmentDiscountCategory as commitment_discount_category,
        CommitmentDiscountId as commitment_discount_id,
        CommitmentDiscountName as commitment_discount_name,
        {{ to_money('CommitmentDiscountQuantity') }} as commitment_discount_quantity,
        CommitmentDiscountStatus as commitment_discount_status,
        CommitmentDiscountType as commitment_discount_type,
        CommitmentDiscountUnit as commitment_discount_unit,
        CapacityReservationId as capacity_reservation_id,
        CapacityReservationStatus as capacity_reservation_status,

        -- provider columns (AWS "with AWS columns", Azure FocusCost)
        x_ServiceCode as service_code,
        x_UsageType as usage_type,
        x_Operation as operation,
        x_SkuMeterName as sku_meter_name

    from source

)

select * from renamed
