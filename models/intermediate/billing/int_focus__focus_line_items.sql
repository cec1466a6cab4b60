{#- Native FOCUS rows (AWS, Azure, GCP exports; FOCUS 1.0 to 1.2) as FOCUS 1.2 rows in snake_case, one row per
    landed row. The upgrade to 1.2 fills what a 1.0 / 1.1 file lacks where it can be derived from the row, and
    applies the project-wide conventions; ingest (ai_finops/ingest/focus_native.py, ROW_CHECKS) has refused
    every row this upgrade cannot bring to 1.2, so the two must change together:
    - ServiceCategory / ServiceSubcategory from the service map by ServiceName (seeds aws_service_categories
      and focus_native_service_categories), so one ServiceName has one category across raw and native rows;
      unknown names keep their category, with the delivered subcategory or `Other (<category>)`.
    - CommitmentDiscountQuantity / Unit on commitment Usage and Purchase rows: PricingQuantity / PricingUnit
      for a Usage (usage-based) commitment; BilledCost (purchase) or EffectiveCost (usage) in the billing
      currency for a Spend commitment, as the FOCUS 1.2 commitment examples do.
    - A commitment purchase is Standard and its ResourceId is the CommitmentDiscountId (FOCUS 1.1+).
    - BillingAccountType / SubAccountType per provider; PricingCurrency = BillingCurrency (the native
      PricingCurrency* amounts are not carried: the mart derives them from the billing-currency prices);
      ChargeFrequency Usage-Based on Usage rows of files without the column; SkuMeter from the AWS x_UsageType
      or the Azure x_SkuMeterName; ResourceType of AWS ids as for CUR (macro aws_resource_type); AWS units
      in FOCUS UnitFormat through the seed aws_pricing_units, as for CUR.
    - ProviderName = InvoiceIssuerName, the project's convention for directly billed rows (AWS path). -#}

with

native_rows as (

    select * from {{ ref('stg_focus__focus_line_items') }}

),

aws_service_categories as (

    select
        service_name,
        min(service_category) as service_category,
        min(service_subcategory) as service_subcategory
    from {{ ref('aws_service_categories') }}
    group by service_name

),

native_service_categories as (

    select * from {{ ref('focus_native_service_categories') }}

),

aws_pricing_units as (

    select * from {{ ref('aws_pricing_units') }}

),

service_map as (

    select
        'aws' as provider,
        aws_service_categories.service_name,
        aws_service_categories.service_category,
        aws_service_categories.service_subcategory
    from aws_service_categories

    union all

    select
        native_service_categories.provider,
        native_service_categories.service_name,
        native_service_categories.service_category,
        native_service_categories.service_subcategory
    from native_service_categories
    where
        native_service_categories.provider <> 'aws'
        or native_service_categories.service_name not in (
            select aws_service_categories.service_name from aws_service_categories
        )

),

classified as (

    select
        native_rows.*,
        coalesce(pricing_units.focus_unit, native_rows.pricing_unit) as focus_pricing_unit,
        coalesce(consumed_units.focus_unit, native_rows.consumed_unit) as focus_consumed_unit,
        service_map.service_category as mapped_service_category,
        service_map.service_subcategory as mapped_service_subcategory,
        coalesce(
            native_rows.charge_category = 'Purchase'
            and native_rows.commitment_discount_id is not null
            and native_rows.charge_class is null,
            false
        ) as is_commitment_purchase,
        coalesce(
            native_rows.commitment_discount_id is not null
            and native_rows.charge_category in ('Usage', 'Purchase')
            and native_rows.charge_class is null
            and native_rows.commitment_discount_quantity is null,
            false
        ) as needs_commitment_quantity
    from native_rows
    left join service_map
        on
            native_rows.source_provider = service_map.provider
            and native_rows.service_name = service_map.service_name
    left join aws_pricing_units as pricing_units
        on
            native_rows.source_provider = 'aws'
            and native_rows.pricing_unit = pricing_units.cur_pricing_unit
    left join aws_pricing_units as consumed_units
        on
            native_rows.source_provider = 'aws'
            and native_rows.consumed_unit = consumed_units.cur_pricing_unit

),

upgraded as (

    select
        classified.availability_zone,
        classified.billed_cost,
        classified.billing_account_id,
        classified.billing_account_name,
        coalesce(
            classified.billing_account_type,
            case classified.source_provider
                when 'aws' then 'Management Account'
                when 'azure'
                    then
                        case
                            when classified.billing_account_id like '%/billingProfiles/%' then 'Billing Profile'
                            else 'Billing Account'
                        end
                when 'gcp' then 'Billing Account'
            end
        ) as billing_account_type,
        classified.billing_currency,
        classified.billing_period_end,
        classified.billing_period_start,
        classified.capacity_reservation_id,
        classified.capacity_reservation_status,
        classified.charge_category,
        classified.charge_class,
        classified.charge_description,
        coalesce(
            classified.charge_frequency,
            case when classified.charge_category = 'Usage' then 'Usage-Based' end
        ) as charge_frequency,
        classified.charge_period_end,
        classified.charge_period_start,
        classified.commitment_discount_category,
        classified.commitment_discount_id,
        classified.commitment_discount_name,
        case
            when classified.needs_commitment_quantity
                then
                    case classified.commitment_discount_category
                        when 'Usage' then classified.pricing_quantity
                        when 'Spend'
                            then
                                case
                                    when classified.charge_category = 'Purchase' then classified.billed_cost
                                    else classified.effective_cost
                                end
                    end
            else classified.commitment_discount_quantity
        end as commitment_discount_quantity,
        classified.commitment_discount_status,
        classified.commitment_discount_type,
        case
            when classified.needs_commitment_quantity
                then
                    coalesce(
                        classified.commitment_discount_unit,
                        case classified.commitment_discount_category
                            when 'Usage' then classified.focus_pricing_unit
                            when 'Spend' then classified.billing_currency
                        end
                    )
            else classified.commitment_discount_unit
        end as commitment_discount_unit,
        classified.consumed_quantity,
        classified.focus_consumed_unit as consumed_unit,
        classified.contracted_cost,
        classified.contracted_unit_price,
        classified.effective_cost,
        classified.invoice_id,
        classified.invoice_issuer_name,
        classified.list_cost,
        classified.list_unit_price,
        case
            when classified.is_commitment_purchase then 'Standard'
            else classified.pricing_category
        end as pricing_category,
        classified.billing_currency as pricing_currency,
        classified.pricing_quantity,
        classified.focus_pricing_unit as pricing_unit,
        classified.invoice_issuer_name as provider_name,
        classified.publisher_name,
        classified.region_id,
        classified.region_name,
        case
            when classified.is_commitment_purchase then classified.commitment_discount_id
            else classified.resource_id
        end as resource_id,
        case
            when
                classified.is_commitment_purchase
                and coalesce(classified.resource_id, '') <> classified.commitment_discount_id
                then classified.commitment_discount_name
            else classified.resource_name
        end as resource_name,
        case
            when classified.is_commitment_purchase
                then
                    coalesce(
                        case when classified.resource_id = classified.commitment_discount_id then classified.resource_type end,
                        case
                            when classified.source_provider = 'aws'
                                then {{ aws_resource_type('classified.commitment_discount_id', 'null') }}
                        end,
                        classified.commitment_discount_type,
                        classified.resource_type
                    )
            when classified.resource_id is null then null
            else
                coalesce(
                    classified.resource_type,
                    case
                        when classified.source_provider = 'aws'
                            then {{ aws_resource_type('classified.resource_id', 'null') }}
                    end
                )
        end as resource_type,
        coalesce(classified.mapped_service_category, classified.service_category) as service_category,
        classified.service_name,
        case
            when classified.mapped_service_category is not null then classified.mapped_service_subcategory
            when classified.service_subcategory is not null then classified.service_subcategory
            else {{ dbt.concat(["'Other ('", "classified.service_category", "')'"]) }}
        end as service_subcategory,
        classified.sku_id,
        coalesce(
            classified.sku_meter,
            case
                when classified.sku_id is not null then coalesce(classified.usage_type, classified.sku_meter_name)
            end
        ) as sku_meter,
        classified.sku_price_details,
        classified.sku_price_id,
        classified.sub_account_id,
        classified.sub_account_name,
        coalesce(
            classified.sub_account_type,
            case
                when classified.sub_account_id is not null
                    then
                        case classified.source_provider
                            when 'aws' then 'Member Account'
                            when 'azure' then 'Subscription'
                            when 'gcp' then 'Project'
                        end
            end
        ) as sub_account_type,
        classified.tags,

        -- extensions: a native file has no CUR line item type, instance type, billing entity or netting
        classified.source_provider as x_source_provider,
        classified.billing_period as x_billing_period,
        cast(null as {{ dbt.type_string() }}) as x_line_item_type,
        case
            when classified.source_provider = 'aws' then coalesce(classified.usage_type, classified.sku_meter)
        end as x_usage_type,
        classified.operation as x_operation,
        cast(null as {{ dbt.type_string() }}) as x_instance_type,
        classified.service_code as x_product_code,
        cast(null as {{ dbt.type_string() }}) as x_billing_entity,
        cast(null as {{ dbt.type_string() }}) as x_capacity_reservation_status,
        cast(null as {{ dbt.type_string() }}) as x_unmatched_reason,
        classified.source_line_id as x_source_line_id,
        cast(null as {{ dbt.type_string() }}) as x_netted_source_line_id,
        classified.delivery_id as x_delivery_id,
        classified.loaded_at as x_loaded_at,
        classified.source_format as x_source_format,
        'focus' as x_source_kind,
        classified.source_focus_version as x_source_focus_version,
        -- the export carries amortised cost (only Azure's actual-only periods lack it)
        true as x_amortization_available
    from classified

)

select * from upgraded
