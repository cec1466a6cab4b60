{#- Azure charges as FOCUS 1.2 rows (snake_case), one per paired line that is not excluded
    (int_azure__cost_line_items_paired). Mapping: finops-toolkit convert.md (provider_exports.md §2.4), with
    these choices, each documented on the model:
    - ChargeCategory: Usage / Purchase / Tax / Credit as is; UnusedReservation / UnusedSavingsPlan -> Usage with
      CommitmentDiscountStatus Unused; Refund -> Purchase with ChargeClass Correction; anything else Adjustment.
    - Commitment id, type and category from benefitId: `/microsoft.capacity/` -> Reservation / Usage,
      `/microsoft.billingbenefits/` -> Savings Plan / Spend. Purchases and Unused rows carry the commitment as
      ResourceId. A commitment purchase is PricingCategory Standard; covered usage Committed; Spot Dynamic.
    - Quantities: Azure's Quantity counts pricing blocks (`10K` rows: cost = Quantity x EffectivePrice), so
      PricingQuantity = ConsumedQuantity = Quantity x block size and unit prices are per base unit (price /
      block size), in the FOCUS unit of seeds/azure_pricing_units.csv; MCA prices are converted to the
      billing currency with exchangeRatePricingToBilling.
    - ServiceName / Category / Subcategory from seeds/azure_service_categories.csv by (ConsumedService, ARM
      resource type), else by ConsumedService alone, else Other. -#}

with

paired_lines as (

    select * from {{ ref('int_azure__cost_line_items_paired') }}
    where exclusion_reason is null

),

service_categories as (

    select * from {{ ref('azure_service_categories') }}

),

pricing_units as (

    select * from {{ ref('azure_pricing_units') }}

),

classified as (

    select
        paired_lines.*,
        case
            when paired_lines.charge_type in ('Usage', 'Purchase', 'Tax', 'Credit') then paired_lines.charge_type
            when paired_lines.charge_type in ('UnusedReservation', 'UnusedSavingsPlan') then 'Usage'
            when paired_lines.charge_type = 'Refund' then 'Purchase'
            else 'Adjustment'
        end as charge_category,
        case when paired_lines.charge_type = 'Refund' then 'Correction' end as charge_class,
        paired_lines.charge_type in ('UnusedReservation', 'UnusedSavingsPlan') as is_unused_commitment,
        case
            when lower(paired_lines.benefit_id) like '%/microsoft.capacity/%' then 'Reservation'
            when lower(paired_lines.benefit_id) like '%/microsoft.billingbenefits/%' then 'Savings Plan'
        end as commitment_kind,
        coalesce(pricing_units.pricing_block_size, 1) as pricing_block_size,
        coalesce(pricing_units.focus_unit, 'Units') as focus_unit,
        case
            when paired_lines.pricing_currency <> paired_lines.billing_currency and paired_lines.exchange_rate > 0
                then paired_lines.exchange_rate
            else cast(1 as {{ type_money() }})
        end as price_to_billing_currency
    from paired_lines
    left join pricing_units
        on paired_lines.unit_of_measure = pricing_units.unit_of_measure

),

focus_rows as (

    select
        classified.*,
        case when classified.commitment_kind is not null then classified.benefit_id end as commitment_discount_id,
        case
            when classified.charge_category in ('Tax', 'Credit', 'Adjustment') then null
            else cast(coalesce(classified.quantity, 0) * classified.pricing_block_size as {{ type_money() }})
        end as base_quantity,
        case
            when classified.charge_category in ('Usage', 'Purchase')
                then
                    cast(
                        case
                            when classified.is_unused_commitment then 0
                            else coalesce(
                                classified.payg_price * classified.price_to_billing_currency
                                / classified.pricing_block_size,
                                classified.unit_price * classified.price_to_billing_currency
                                / classified.pricing_block_size,
                                0
                            )
                        end as {{ type_money() }}
                    )
        end as list_unit_price,
        case
            when classified.charge_category in ('Usage', 'Purchase')
                then
                    cast(
                        case
                            when classified.is_unused_commitment then 0
                            else coalesce(
                                classified.unit_price * classified.price_to_billing_currency
                                / classified.pricing_block_size,
                                classified.effective_price * classified.price_to_billing_currency
                                / classified.pricing_block_size,
                                0
                            )
                        end as {{ type_money() }}
                    )
        end as contracted_unit_price
    from classified

),

mapped as (

    select
        -- FOCUS 1.2 columns
        focus_rows.availability_zone,
        cast(focus_rows.billed_cost as {{ type_money() }}) as billed_cost,
        focus_rows.billing_account_id,
        focus_rows.billing_account_name,
        focus_rows.billing_account_type,
        focus_rows.billing_currency,
        focus_rows.billing_period_end,
        focus_rows.billing_period_start,
        cast(null as {{ dbt.type_string() }}) as capacity_reservation_id,
        cast(null as {{ dbt.type_string() }}) as capacity_reservation_status,
        focus_rows.charge_category,
        focus_rows.charge_class,
        focus_rows.charge_description,
        case
            when focus_rows.frequency = 'OneTime' then 'One-Time'
            when focus_rows.frequency = 'Recurring' then 'Recurring'
            when focus_rows.frequency = 'UsageBased' and focus_rows.charge_category <> 'Purchase' then 'Usage-Based'
            when focus_rows.charge_category in ('Purchase', 'Credit', 'Adjustment') then 'One-Time'
            when focus_rows.charge_category = 'Tax' then 'Recurring'
            else 'Usage-Based'
        end as charge_frequency,
        focus_rows.charge_period_end,
        focus_rows.charge_period_start,
        case focus_rows.commitment_kind
            when 'Reservation' then 'Usage'
            when 'Savings Plan' then 'Spend'
        end as commitment_discount_category,
        focus_rows.commitment_discount_id,
        case when focus_rows.commitment_discount_id is not null then focus_rows.benefit_name end
            as commitment_discount_name,
        case
            when
                focus_rows.commitment_discount_id is not null
                and focus_rows.charge_category in ('Usage', 'Purchase')
                and focus_rows.charge_class is null
                then
                    case
                        when focus_rows.commitment_kind = 'Reservation' then focus_rows.base_quantity
                        when focus_rows.charge_category = 'Purchase' then focus_rows.billed_cost
                        else focus_rows.effective_cost
                    end
        end as commitment_discount_quantity,
        case
            when focus_rows.commitment_discount_id is not null and focus_rows.charge_category = 'Usage'
                then case when focus_rows.is_unused_commitment then 'Unused' else 'Used' end
        end as commitment_discount_status,
        focus_rows.commitment_kind as commitment_discount_type,
        case
            when
                focus_rows.commitment_discount_id is not null
                and focus_rows.charge_category in ('Usage', 'Purchase')
                and focus_rows.charge_class is null
                then case when focus_rows.commitment_kind = 'Reservation' then 'Hours' else focus_rows.billing_currency end
        end as commitment_discount_unit,
        case
            when
                focus_rows.charge_category = 'Usage'
                and focus_rows.charge_class is null
                and not focus_rows.is_unused_commitment
                then focus_rows.base_quantity
        end as consumed_quantity,
        case
            when
                focus_rows.charge_category = 'Usage'
                and focus_rows.charge_class is null
                and not focus_rows.is_unused_commitment
                then focus_rows.focus_unit
        end as consumed_unit,
        focus_rows.contracted_unit_price,
        cast(focus_rows.effective_cost as {{ type_money() }}) as effective_cost,
        focus_rows.invoice_id,
        coalesce(focus_rows.partner_name, 'Microsoft') as invoice_issuer_name,
        focus_rows.list_unit_price,
        case
            when focus_rows.charge_category not in ('Usage', 'Purchase') then null
            when focus_rows.charge_class = 'Correction' then null
            when focus_rows.charge_category = 'Purchase' then 'Standard'
            when
                focus_rows.commitment_discount_id is not null
                or lower(coalesce(focus_rows.pricing_model, '')) in ('reservation', 'savingsplan')
                then 'Committed'
            when lower(focus_rows.pricing_model) = 'spot' then 'Dynamic'
            else 'Standard'
        end as pricing_category,
        focus_rows.billing_currency as pricing_currency,
        focus_rows.base_quantity as pricing_quantity,
        case when focus_rows.base_quantity is not null then focus_rows.focus_unit end as pricing_unit,
        'Microsoft' as provider_name,
        coalesce(focus_rows.publisher_name, 'Microsoft') as publisher_name,
        case
            when lower(focus_rows.resource_location) not in ('', 'unassigned', 'global', 'unknown')
                then lower(replace(focus_rows.resource_location, ' ', ''))
        end as region_id,
        case
            when lower(focus_rows.resource_location) not in ('', 'unassigned', 'global', 'unknown')
                then focus_rows.resource_location
        end as region_name,
        case
            when
                focus_rows.commitment_discount_id is not null
                and (focus_rows.charge_category = 'Purchase' or focus_rows.is_unused_commitment)
                then focus_rows.commitment_discount_id
            else focus_rows.resource_id
        end as resource_id,
        case
            when
                focus_rows.commitment_discount_id is not null
                and (focus_rows.charge_category = 'Purchase' or focus_rows.is_unused_commitment)
                then focus_rows.benefit_name
            else focus_rows.resource_name
        end as resource_name,
        coalesce(exact_service.service_category, consumed_service.service_category, 'Other') as service_category,
        coalesce(
            exact_service.service_name,
            consumed_service.service_name,
            focus_rows.meter_category,
            focus_rows.consumed_service,
            'Unknown'
        ) as service_name,
        coalesce(exact_service.service_subcategory, consumed_service.service_subcategory, 'Other (Other)')
            as service_subcategory,
        case
            when focus_rows.charge_category <> 'Tax'
                then coalesce(focus_rows.product_id, focus_rows.meter_id, focus_rows.part_number, focus_rows.product_order_id)
        end as sku_id,
        cast(null as {{ dbt.type_string() }}) as sku_price_details,
        focus_rows.sub_account_id,
        focus_rows.sub_account_name,
        case when focus_rows.sub_account_id is not null then 'Subscription' end as sub_account_type,
        focus_rows.tags,

        -- what the amounts were derived from
        focus_rows.meter_name,
        focus_rows.meter_category,
        focus_rows.pricing_model,

        -- extensions
        'azure' as x_source_provider,
        focus_rows.billing_period as x_billing_period,
        focus_rows.charge_type as x_line_item_type,
        focus_rows.meter_name as x_usage_type,
        focus_rows.meter_sub_category as x_operation,
        focus_rows.vm_size as x_instance_type,
        focus_rows.consumed_service as x_product_code,
        focus_rows.publisher_type as x_billing_entity,
        cast(null as {{ dbt.type_string() }}) as x_capacity_reservation_status,
        cast(null as {{ dbt.type_string() }}) as x_unmatched_reason,
        focus_rows.source_line_id as x_source_line_id,
        cast(null as {{ dbt.type_string() }}) as x_netted_source_line_id,
        focus_rows.pair_delivery_id as x_delivery_id,
        focus_rows.loaded_at as x_loaded_at,
        focus_rows.source_format as x_source_format,
        -- one source kind for the pair (the landing zone holds it as `actual` and `amortized`)
        'cost_details' as x_source_kind,
        cast(null as {{ dbt.type_string() }}) as x_source_focus_version,
        focus_rows.amortization_available as x_amortization_available
    from focus_rows
    left join service_categories as exact_service
        on
            focus_rows.consumed_service = exact_service.consumed_service
            and focus_rows.resource_type = exact_service.resource_type
    left join service_categories as consumed_service
        on
            focus_rows.consumed_service = consumed_service.consumed_service
            and consumed_service.resource_type = '*'

),

costed as (

    select
        mapped.*,
        case
            when mapped.charge_category = 'Credit' then mapped.billed_cost
            when mapped.list_unit_price is not null and mapped.pricing_quantity is not null
                then cast(mapped.list_unit_price * mapped.pricing_quantity as {{ type_money() }})
            else mapped.billed_cost
        end as list_cost,
        case
            when mapped.charge_category = 'Credit' then mapped.billed_cost
            when mapped.contracted_unit_price is not null and mapped.pricing_quantity is not null
                then cast(mapped.contracted_unit_price * mapped.pricing_quantity as {{ type_money() }})
            else mapped.billed_cost
        end as contracted_cost,
        case
            when mapped.sku_id is not null
                then {{ dbt.concat([
                    "mapped.sku_id", "'|'", "coalesce(mapped.pricing_model, 'OnDemand')"
                ]) }}
        end as sku_price_id,
        case
            when mapped.sku_id is not null then coalesce(mapped.meter_name, mapped.meter_category, mapped.charge_description)
        end as sku_meter,
        case
            when mapped.resource_id is not null
                then coalesce({{ azure_resource_type('mapped.resource_id') }}, lower(mapped.meter_category), 'resource')
        end as resource_type
    from mapped

)

select * from costed
