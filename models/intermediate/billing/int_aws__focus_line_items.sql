{#- AWS charges as FOCUS 1.2 rows (snake_case): the netted CUR lines plus one synthetic Unused row per
    commitment fee line with unused commitment. Line item type -> ChargeCategory / ChargeClass /
    ChargeFrequency / PricingCategory follows focus_converters and AWS's FOCUS 1.2 export; commitment
    purchases are Standard with EffectiveCost 0 and ResourceId = CommitmentDiscountId. -#}

with

netted_lines as (

    select * from {{ ref('int_aws__cur_line_items_netted') }}

),

unused_commitment_lines as (

    select * from {{ ref('int_aws__commitment_unused_line_items') }}

),

service_categories as (

    select * from {{ ref('aws_service_categories') }}

),

pricing_units as (

    select * from {{ ref('aws_pricing_units') }}

),

all_rows as (

    select
        netted_lines.*,
        cast(null as {{ type_money() }}) as unused_quantity,
        false as is_unused_commitment
    from netted_lines

    union all

    select
        unused_commitment_lines.*,
        true as is_unused_commitment
    from unused_commitment_lines

),

classified as (

    select
        all_rows.*,
        case
            when all_rows.is_unused_commitment then 'Usage'
            when all_rows.line_item_type in ('RIFee', 'Fee', 'SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee')
                then 'Purchase'
            when all_rows.line_item_type = 'Tax' then 'Tax'
            when all_rows.line_item_type = 'Credit' then 'Credit'
            when all_rows.line_item_type = 'Refund'
                then
                    case
                        when all_rows.product_code = 'ComputeSavingsPlans' or all_rows.reservation_arn is not null
                            then 'Purchase'
                        else 'Usage'
                    end
            when all_rows.line_item_type in (
                'Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation',
                {{ aws_discount_line_item_types() }}
            ) then 'Usage'
            else 'Adjustment'
        end as charge_category,
        case when all_rows.line_item_type = 'Refund' then 'Correction' end as charge_class,
        all_rows.line_item_type in ({{ aws_discount_line_item_types() }}) as is_discount_line,
        case
            when all_rows.savings_plan_arn is not null and all_rows.line_item_type in (
                'SavingsPlanCoveredUsage', 'SavingsPlanNegation', 'SavingsPlanRecurringFee',
                'SavingsPlanUpfrontFee', 'Refund'
            ) then 'Savings Plan'
            when all_rows.reservation_arn is not null and all_rows.line_item_type in (
                'DiscountedUsage', 'RIFee', 'Fee', 'Refund'
            ) then 'Reserved Instance'
        end as commitment_kind,
        all_rows.pricing_currency is null
        or all_rows.pricing_currency = all_rows.billing_currency as public_price_in_billing_currency
    from all_rows

),

focus_rows as (

    select
        -- FOCUS 1.2 columns
        classified.availability_zone,
        case when classified.is_unused_commitment then 0 else classified.billed_cost end as billed_cost,
        classified.billing_account_id,
        -- Legacy CUR carries no account names: the account id stands in, as AWS's own console does.
        coalesce(classified.billing_account_name, classified.billing_account_id) as billing_account_name,
        'Management Account' as billing_account_type,
        classified.billing_currency,
        classified.billing_period_end,
        classified.billing_period_start,
        classified.capacity_reservation_id,
        case
            when classified.capacity_reservation_status_raw in ('Used', 'Unused')
                then classified.capacity_reservation_status_raw
        end as capacity_reservation_status,
        classified.charge_category,
        classified.charge_class,
        classified.charge_description,
        case
            when classified.is_unused_commitment then 'Usage-Based'
            when classified.line_item_type in ('RIFee', 'SavingsPlanRecurringFee', 'Tax') then 'Recurring'
            when classified.line_item_type in ('Fee', 'SavingsPlanUpfrontFee', 'Refund', 'Credit') then 'One-Time'
            when classified.bill_type in ('Purchase', 'Refund') then 'One-Time'
            else 'Usage-Based'
        end as charge_frequency,
        classified.charge_period_end,
        classified.charge_period_start,
        case classified.commitment_kind
            when 'Savings Plan' then 'Spend'
            when 'Reserved Instance' then 'Usage'
        end as commitment_discount_category,
        case classified.commitment_kind
            when 'Savings Plan' then classified.savings_plan_arn
            when 'Reserved Instance' then classified.reservation_arn
        end as commitment_discount_id,
        cast(null as {{ dbt.type_string() }}) as commitment_discount_name,
        case
            when classified.charge_class = 'Correction' then null
            when classified.commitment_kind = 'Savings Plan'
                then coalesce(
                    case
                        when classified.is_unused_commitment then classified.unused_quantity
                        when classified.line_item_type = 'SavingsPlanCoveredUsage' then classified.raw_amortised_cost
                        -- the commitment this fee buys: the recurring fee itself (the whole hourly commitment
                        -- without upfront, the recurring part with partial upfront), so that the purchases of
                        -- a plan add up to its total commitment (FOCUS 1.2 purchase scenarios 2 and 3)
                        when classified.line_item_type = 'SavingsPlanRecurringFee'
                            then classified.unblended_cost
                        when classified.line_item_type = 'SavingsPlanUpfrontFee' then classified.billed_cost
                    end,
                    0
                )
            when classified.commitment_kind = 'Reserved Instance'
                then coalesce(
                    case
                        when classified.is_unused_commitment then classified.unused_quantity
                        when classified.line_item_type = 'DiscountedUsage' then classified.usage_amount
                        else coalesce(classified.reservation_total_reserved_units, classified.usage_amount)
                    end,
                    0
                )
        end as commitment_discount_quantity,
        case
            when classified.charge_category = 'Usage' and classified.commitment_kind is not null
                then case when classified.is_unused_commitment then 'Unused' else 'Used' end
        end as commitment_discount_status,
        case
            when classified.commitment_kind = 'Savings Plan' then 'Savings Plan'
            when classified.commitment_kind = 'Reserved Instance' then 'Reserved Instance'
        end as commitment_discount_type,
        case
            when classified.charge_class is not null then null
            when classified.commitment_kind = 'Savings Plan' then 'USD'
            when classified.commitment_kind = 'Reserved Instance' then 'Hours'
        end as commitment_discount_unit,
        case
            when
                classified.charge_category = 'Usage'
                and classified.charge_class is null
                and not classified.is_unused_commitment
                and not classified.is_discount_line
                and classified.line_item_type <> 'SavingsPlanNegation'
                then classified.usage_amount
        end as consumed_quantity,
        case
            when classified.charge_category in ('Usage', 'Purchase') and classified.charge_class is null
                then
                    case
                        when classified.is_unused_commitment or classified.is_discount_line then null
                        when
                            classified.line_item_type in ('DiscountedUsage', 'SavingsPlanCoveredUsage')
                            and classified.public_price_in_billing_currency
                            then classified.public_on_demand_rate
                        when classified.uses_net_columns and classified.net_unblended_rate is not null
                            then classified.net_unblended_rate
                        else classified.unblended_rate
                    end
        end as contracted_unit_price,
        case
            when classified.is_unused_commitment then classified.raw_amortised_cost
            when classified.line_item_type in ('RIFee', 'SavingsPlanRecurringFee') then 0
            else classified.raw_amortised_cost
        end as effective_cost,
        classified.invoice_id,
        coalesce(classified.invoicing_entity, 'Amazon Web Services, Inc.') as invoice_issuer_name,
        case
            when
                classified.charge_category in ('Usage', 'Purchase')
                and classified.charge_class is null
                and not classified.is_unused_commitment
                and not classified.is_discount_line
                and classified.public_price_in_billing_currency
                then classified.public_on_demand_rate
        end as list_unit_price,
        case
            when classified.charge_category not in ('Usage', 'Purchase') then null
            when classified.charge_class = 'Correction' then null
            when classified.charge_category = 'Purchase' then 'Standard'
            when
                classified.is_unused_commitment
                or classified.line_item_type in ('DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation')
                then 'Committed'
            when classified.pricing_term = 'Spot' or classified.usage_type like '%SpotUsage%' then 'Dynamic'
            else 'Standard'
        end as pricing_category,
        classified.billing_currency as pricing_currency,
        case
            when classified.charge_category in ('Tax', 'Credit') then null
            when classified.is_unused_commitment then classified.unused_quantity
            when classified.charge_category in ('Usage', 'Purchase') and classified.charge_class is null
                then coalesce(classified.usage_amount, 0)
            else classified.usage_amount
        end as pricing_quantity,
        coalesce(classified.invoicing_entity, 'Amazon Web Services, Inc.') as provider_name,
        case
            when classified.billing_entity = 'AWS Marketplace'
                then coalesce(classified.legal_entity, classified.billing_entity)
            else coalesce(classified.invoicing_entity, 'Amazon Web Services, Inc.')
        end as publisher_name,
        classified.region_id,
        case when classified.region_id is not null then coalesce(classified.region_name_raw, classified.region_id) end
            as region_name,
        case
            when
                classified.commitment_kind is not null
                and (classified.charge_category = 'Purchase' or classified.is_unused_commitment)
                then
                    case classified.commitment_kind
                        when 'Savings Plan' then classified.savings_plan_arn
                        else classified.reservation_arn
                    end
            else classified.resource_id
        end as resource_id,
        cast(null as {{ dbt.type_string() }}) as resource_name,
        coalesce(service_categories.service_category, 'Other') as service_category,
        coalesce(service_categories.service_name, classified.product_code) as service_name,
        coalesce(service_categories.service_subcategory, 'Other (Other)') as service_subcategory,
        case when classified.charge_category <> 'Tax' then classified.sku_id end as sku_id,
        case
            when classified.charge_category <> 'Tax' then coalesce(classified.usage_type, classified.line_item_type)
        end as sku_meter,
        cast(null as {{ dbt.type_string() }}) as sku_price_details,
        case when classified.charge_category <> 'Tax' then classified.sku_price_id end as sku_price_id,
        classified.sub_account_id,
        coalesce(classified.sub_account_name, classified.sub_account_id) as sub_account_name,
        'Member Account' as sub_account_type,
        classified.tags,

        -- what the amounts were derived from
        classified.pricing_unit as raw_pricing_unit,
        classified.public_on_demand_cost,
        classified.product_family,
        classified.public_price_in_billing_currency,
        classified.is_discount_line,
        classified.is_unused_commitment,
        classified.usage_amount,
        classified.reservation_amortized_upfront_fee,
        classified.savings_plan_amortized_upfront_commitment,
        classified.raw_billed_cost,

        -- extensions
        'aws' as x_source_provider,
        classified.source_line_id as x_source_line_id,
        classified.netted_source_line_id as x_netted_source_line_id,
        classified.line_item_type as x_line_item_type,
        classified.usage_type as x_usage_type,
        classified.operation as x_operation,
        classified.instance_type as x_instance_type,
        classified.product_code as x_product_code,
        classified.billing_entity as x_billing_entity,
        classified.capacity_reservation_status_raw as x_capacity_reservation_status,
        classified.unmatched_reason as x_unmatched_reason,
        classified.billing_period as x_billing_period,
        classified.delivery_id as x_delivery_id,
        classified.loaded_at as x_loaded_at,
        classified.source_format as x_source_format,
        'cur' as x_source_kind,
        cast(null as {{ dbt.type_string() }}) as x_source_focus_version,
        -- the export carries amortised cost (only Azure's actual-only periods lack it)
        true as x_amortization_available
    from classified
    left join service_categories
        on classified.product_code = service_categories.product_code

),

costed as (

    select
        focus_rows.*,
        case
            when focus_rows.charge_category = 'Credit' then focus_rows.billed_cost
            when focus_rows.is_discount_line or focus_rows.is_unused_commitment then 0
            when focus_rows.list_unit_price is not null and focus_rows.pricing_quantity is not null
                then cast(focus_rows.list_unit_price * focus_rows.pricing_quantity as {{ type_money() }})
            when focus_rows.public_price_in_billing_currency and focus_rows.public_on_demand_cost is not null
                then focus_rows.public_on_demand_cost
            else focus_rows.billed_cost
        end as list_cost,
        case
            when focus_rows.charge_category = 'Credit' then focus_rows.billed_cost
            when focus_rows.contracted_unit_price is not null and focus_rows.pricing_quantity is not null
                then cast(focus_rows.contracted_unit_price * focus_rows.pricing_quantity as {{ type_money() }})
            else focus_rows.billed_cost
        end as contracted_cost,
        case
            when focus_rows.pricing_quantity is not null
                then
                    case
                        when focus_rows.is_unused_commitment then focus_rows.commitment_discount_unit
                        else coalesce(pricing_units.focus_unit, focus_rows.raw_pricing_unit, 'Units')
                    end
        end as pricing_unit,
        case
            when focus_rows.consumed_quantity is not null
                then coalesce(pricing_units.focus_unit, focus_rows.raw_pricing_unit, 'Units')
        end as consumed_unit,
        {{ aws_resource_type('focus_rows.resource_id', 'focus_rows.product_family') }} as resource_type
    from focus_rows
    left join pricing_units
        on focus_rows.raw_pricing_unit = pricing_units.cur_pricing_unit

)

select * from costed
