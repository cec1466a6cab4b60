{#- GCP charges as FOCUS 1.2 rows (snake_case), from three kinds of row:
    - every billing export row (int_gcp__billing_line_items_amortised): BilledCost = cost + every credit except
      PROMOTION; EffectiveCost = BilledCost + its share of its commitment's fee; a commitment fee row is a
      Purchase, Recurring, with EffectiveCost 0 and ResourceId = CommitmentDiscountId;
    - one Credit row per PROMOTION credit (int_gcp__promotion_credit_line_items): BilledCost = EffectiveCost =
      ListCost = ContractedCost = the credit amount;
    - one synthetic Unused row per fee row with unused commitment (int_gcp__commitment_unused_line_items): bills
      nothing, EffectiveCost = the unused share of the fee; x_line_item_type `unused_commitment_pooled` marks
      the pre-2024-01-25 pools that have no `subscription.instance_id`.
    Per billing account x invoice month x currency, Σ BilledCost = Σ EffectiveCost = Σ cost + Σ credits of every
    type (amortisation moves fee money between rows of one month; it never creates or drops any).
    cost_type -> ChargeCategory: regular -> Usage (fee rows: Purchase), tax -> Tax, rounding_error ->
    Adjustment, adjustment -> Usage with ChargeClass Correction for usage / price / metadata corrections,
    Credit for goodwill and SLA credits, Adjustment otherwise. BillingPeriod from `invoice.month` in US Pacific
    time; ChargePeriod from the usage window. -#}

with

amortised_lines as (

    select * from {{ ref('int_gcp__billing_line_items_amortised') }}

),

promotion_credits as (

    select * from {{ ref('int_gcp__promotion_credit_line_items') }}

),

unused_commitments as (

    select * from {{ ref('int_gcp__commitment_unused_line_items') }}

),

service_categories as (

    select * from {{ ref('gcp_service_categories') }}

),

pricing_units as (

    select * from {{ ref('gcp_pricing_units') }}

),

{%- set shared_columns = [
    'billing_account_id', 'invoice_month', 'billing_period', 'billing_period_start', 'billing_period_end',
    'usage_start_time', 'usage_end_time', 'cost_type', 'adjustment_type', 'service_id', 'service_description',
    'sku_id', 'sku_description', 'project_id', 'project_name', 'location', 'location_region', 'location_zone',
    'resource_name', 'resource_global_name', 'machine_spec', 'currency', 'seller_name', 'usage_pricing_unit',
    'usage_unit', 'price_tier_start_amount', 'commitment_discount_id', 'commitment_discount_category',
    'commitment_credit_type', 'is_pooled_commitment', 'tags', 'delivery_id', 'loaded_at', 'source_format',
] %}

all_rows as (

    select
        'charge' as row_kind,
        source_line_id as row_id,
        {%- for column in shared_columns %}
            {{ column }},
        {%- endfor %}
        commitment_role,
        cost,
        billed_cost,
        billed_cost + amortised_commitment_cost as effective_cost,
        cost_at_list,
        cost_at_effective_price_default,
        usage_amount,
        usage_amount_in_pricing_units,
        commitment_used_quantity as commitment_quantity,
        cast(null as {{ dbt.type_string() }}) as credit_name
    from amortised_lines

    union all

    select
        'promotion_credit' as row_kind,
        {{ dbt.concat(["source_line_id", "'#credit-'", dbt.cast("credit_position", dbt.type_string())]) }} as row_id,
        {%- for column in shared_columns %}
            {{ column }},
        {%- endfor %}
        'none' as commitment_role,
        credit_amount as cost,
        credit_amount as billed_cost,
        credit_amount as effective_cost,
        credit_amount as cost_at_list,
        credit_amount as cost_at_effective_price_default,
        cast(null as {{ type_money() }}) as usage_amount,
        cast(null as {{ type_money() }}) as usage_amount_in_pricing_units,
        cast(null as {{ type_money() }}) as commitment_quantity,
        coalesce(credit_full_name, credit_name) as credit_name
    from promotion_credits

    union all

    select
        'unused_commitment' as row_kind,
        source_line_id as row_id,
        {%- for column in shared_columns %}
            {{ column }},
        {%- endfor %}
        'unused' as commitment_role,
        cast(0 as {{ type_money() }}) as cost,
        cast(0 as {{ type_money() }}) as billed_cost,
        unused_cost as effective_cost,
        cast(0 as {{ type_money() }}) as cost_at_list,
        cast(0 as {{ type_money() }}) as cost_at_effective_price_default,
        cast(null as {{ type_money() }}) as usage_amount,
        unused_quantity as usage_amount_in_pricing_units,
        unused_quantity as commitment_quantity,
        cast(null as {{ dbt.type_string() }}) as credit_name
    from unused_commitments

),

classified as (

    select
        all_rows.*,
        case
            when all_rows.row_kind = 'promotion_credit' then 'Credit'
            when all_rows.row_kind = 'unused_commitment' then 'Usage'
            when all_rows.commitment_role = 'fee' then 'Purchase'
            when all_rows.cost_type = 'regular' then 'Usage'
            when all_rows.cost_type = 'tax' then 'Tax'
            when all_rows.cost_type = 'adjustment'
                then
                    case
                        when all_rows.adjustment_type in ('USAGE_CORRECTION', 'PRICE_CORRECTION', 'METADATA_CORRECTION')
                            then 'Usage'
                        when all_rows.adjustment_type in ('GOODWILL', 'SALES_BASED_GOODWILL', 'SLA_VIOLATION')
                            then 'Credit'
                        else 'Adjustment'
                    end
            else 'Adjustment'
        end as charge_category,
        case
            when
                all_rows.row_kind = 'charge' and all_rows.cost_type = 'adjustment'
                and all_rows.adjustment_type in ('USAGE_CORRECTION', 'PRICE_CORRECTION', 'METADATA_CORRECTION')
                then 'Correction'
        end as charge_class,
        case
            when all_rows.commitment_role in ('credited', 'discounted') then 'Used'
            when all_rows.commitment_role = 'unused' then 'Unused'
        end as commitment_discount_status,
        all_rows.commitment_role in ('fee', 'credited', 'discounted', 'unused') as has_commitment
    from all_rows

),

focus_rows as (

    select
        -- FOCUS 1.2 columns
        classified.location_zone as availability_zone,
        classified.billed_cost,
        classified.billing_account_id,
        classified.billing_account_id as billing_account_name,
        'Billing Account' as billing_account_type,
        classified.currency as billing_currency,
        classified.billing_period_end,
        classified.billing_period_start,
        cast(null as {{ dbt.type_string() }}) as capacity_reservation_id,
        cast(null as {{ dbt.type_string() }}) as capacity_reservation_status,
        classified.charge_category,
        classified.charge_class,
        case
            when classified.row_kind = 'promotion_credit' then classified.credit_name
            when classified.row_kind = 'unused_commitment'
                then {{ dbt.concat(["'Unused commitment: '", "classified.sku_description"]) }}
            else coalesce(classified.sku_description, classified.adjustment_type, classified.cost_type)
        end as charge_description,
        case
            when classified.charge_category = 'Purchase' then 'Recurring'
            when classified.charge_category = 'Tax' then 'Recurring'
            when classified.charge_category in ('Credit', 'Adjustment') then 'One-Time'
            when classified.charge_class = 'Correction' then 'One-Time'
            else 'Usage-Based'
        end as charge_frequency,
        coalesce(classified.usage_end_time, classified.billing_period_end) as charge_period_end,
        coalesce(classified.usage_start_time, classified.billing_period_start) as charge_period_start,
        case when classified.has_commitment then classified.commitment_discount_category end
            as commitment_discount_category,
        case when classified.has_commitment then classified.commitment_discount_id end as commitment_discount_id,
        cast(null as {{ dbt.type_string() }}) as commitment_discount_name,
        case
            when not classified.has_commitment then null
            when classified.charge_category = 'Purchase' then coalesce(classified.usage_amount_in_pricing_units, 0)
            else coalesce(classified.commitment_quantity, 0)
        end as commitment_discount_quantity,
        classified.commitment_discount_status,
        case
            when classified.has_commitment and classified.commitment_discount_category = 'Usage'
                then 'Committed Use Discount (resource-based)'
            when classified.has_commitment then 'Committed Use Discount (spend-based)'
        end as commitment_discount_type,
        case
            when
                classified.charge_category = 'Usage' and classified.charge_class is null
                and classified.row_kind = 'charge'
                then classified.usage_amount
        end as consumed_quantity,
        case
            when
                classified.charge_category in ('Usage', 'Purchase') and classified.charge_class is null
                and classified.row_kind <> 'unused_commitment'
                and classified.usage_amount_in_pricing_units is not null and classified.usage_amount_in_pricing_units <> 0
                then cast(
                    coalesce(classified.cost_at_effective_price_default, classified.cost)
                    / classified.usage_amount_in_pricing_units
                    as {{ type_money() }}
                )
        end as contracted_unit_price,
        case
            when classified.row_kind = 'promotion_credit' then classified.billed_cost
            when classified.charge_category = 'Purchase' then 0
            else classified.effective_cost
        end as effective_cost,
        cast(null as {{ dbt.type_string() }}) as invoice_id,
        'Google Cloud' as invoice_issuer_name,
        case
            when
                classified.charge_category in ('Usage', 'Purchase') and classified.charge_class is null
                and classified.row_kind <> 'unused_commitment'
                and classified.usage_amount_in_pricing_units is not null and classified.usage_amount_in_pricing_units <> 0
                then cast(
                    coalesce(classified.cost_at_list, classified.cost) / classified.usage_amount_in_pricing_units
                    as {{ type_money() }}
                )
        end as list_unit_price,
        case
            when classified.charge_category not in ('Usage', 'Purchase') then null
            when classified.charge_class = 'Correction' then null
            when classified.charge_category = 'Purchase' then 'Standard'
            when classified.commitment_discount_status is not null then 'Committed'
            when lower(classified.sku_description) like '%spot%' or lower(classified.sku_description) like '%preemptible%'
                then 'Dynamic'
            else 'Standard'
        end as pricing_category,
        classified.currency as pricing_currency,
        case
            when classified.charge_category in ('Tax', 'Credit') then null
            when classified.charge_category in ('Usage', 'Purchase') and classified.charge_class is null
                then coalesce(classified.usage_amount_in_pricing_units, 0)
            else classified.usage_amount_in_pricing_units
        end as pricing_quantity,
        'Google Cloud' as provider_name,
        coalesce(classified.seller_name, 'Google Cloud') as publisher_name,
        case
            when coalesce(classified.location_region, classified.location) <> 'global'
                then coalesce(classified.location_region, classified.location)
        end as region_id,
        case
            when coalesce(classified.location_region, classified.location) <> 'global'
                then coalesce(classified.location_region, classified.location)
        end as region_name,
        case
            when classified.charge_category = 'Purchase' or classified.row_kind = 'unused_commitment'
                then classified.commitment_discount_id
            else classified.resource_global_name
        end as resource_id,
        case
            when classified.charge_category = 'Purchase' or classified.row_kind = 'unused_commitment'
                then classified.commitment_discount_id
            else coalesce(classified.resource_name, classified.resource_global_name)
        end as resource_name,
        case
            when classified.charge_category = 'Purchase' or classified.row_kind = 'unused_commitment'
                then 'Committed Use Discount'
            when classified.resource_global_name like '%/instances/%' and classified.service_description = 'Compute Engine'
                then 'Compute Engine Instance'
            when classified.resource_global_name like '%/endpoints/%' then 'Vertex AI Endpoint'
            when classified.resource_global_name like '%/customJobs/%' then 'Vertex AI Custom Job'
            when classified.resource_global_name like '%/buckets/%' then 'Cloud Storage Bucket'
            when classified.resource_global_name like '%cloudsql%' then 'Cloud SQL Instance'
            when classified.resource_global_name is not null
                then coalesce(classified.service_description, 'Google Cloud resource')
        end as resource_type,
        coalesce(service_categories.service_category, 'Other') as service_category,
        coalesce(service_categories.service_name, classified.service_description, 'Google Cloud') as service_name,
        coalesce(service_categories.service_subcategory, 'Other (Other)') as service_subcategory,
        case when classified.charge_category not in ('Tax', 'Credit') then classified.sku_id end as sku_id,
        case
            when classified.charge_category not in ('Tax', 'Credit') and classified.sku_id is not null
                then coalesce(classified.sku_description, classified.sku_id)
        end as sku_meter,
        cast(null as {{ dbt.type_string() }}) as sku_price_details,
        case
            when classified.charge_category not in ('Tax', 'Credit') and classified.sku_id is not null
                then {{ dbt.concat([
                    "classified.sku_id", "'/'",
                    "coalesce(" ~ dbt.cast("classified.price_tier_start_amount", dbt.type_string()) ~ ", '0')"
                ]) }}
        end as sku_price_id,
        classified.project_id as sub_account_id,
        coalesce(classified.project_name, classified.project_id) as sub_account_name,
        case when classified.project_id is not null then 'Project' end as sub_account_type,
        classified.tags,

        -- what the amounts were derived from
        classified.cost_at_list,
        classified.cost,
        classified.usage_pricing_unit as raw_pricing_unit,
        classified.usage_unit as raw_consumed_unit,
        classified.row_kind,

        -- extensions
        'gcp' as x_source_provider,
        classified.billing_period as x_billing_period,
        case
            when classified.row_kind = 'promotion_credit' then 'promotion_credit'
            when classified.row_kind = 'unused_commitment' and classified.is_pooled_commitment
                then 'unused_commitment_pooled'
            when classified.row_kind = 'unused_commitment' then 'unused_commitment'
            else classified.cost_type
        end as x_line_item_type,
        cast(null as {{ dbt.type_string() }}) as x_usage_type,
        cast(null as {{ dbt.type_string() }}) as x_operation,
        classified.machine_spec as x_instance_type,
        classified.service_id as x_product_code,
        classified.seller_name as x_billing_entity,
        cast(null as {{ dbt.type_string() }}) as x_capacity_reservation_status,
        cast(null as {{ dbt.type_string() }}) as x_unmatched_reason,
        classified.row_id as x_source_line_id,
        cast(null as {{ dbt.type_string() }}) as x_netted_source_line_id,
        classified.delivery_id as x_delivery_id,
        classified.loaded_at as x_loaded_at,
        classified.source_format as x_source_format,
        'billing_export' as x_source_kind,
        cast(null as {{ dbt.type_string() }}) as x_source_focus_version,
        -- the export carries amortised cost (only Azure's actual-only periods lack it)
        true as x_amortization_available
    from classified
    left join service_categories
        on classified.service_description = service_categories.service_description

),

costed as (

    select
        focus_rows.*,
        case
            when focus_rows.charge_category = 'Credit' then focus_rows.billed_cost
            when focus_rows.row_kind = 'unused_commitment' then 0
            when focus_rows.list_unit_price is not null and focus_rows.pricing_quantity is not null
                then cast(focus_rows.list_unit_price * focus_rows.pricing_quantity as {{ type_money() }})
            else coalesce(focus_rows.cost_at_list, focus_rows.cost)
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
                    coalesce(pricing_units.focus_unit, focus_rows.raw_pricing_unit, 'Units')
        end as pricing_unit,
        case
            when focus_rows.consumed_quantity is not null
                then coalesce(consumed_units.focus_unit, focus_rows.raw_consumed_unit, 'Units')
        end as consumed_unit,
        case
            when focus_rows.commitment_discount_quantity is null then null
            when
                focus_rows.commitment_discount_category = 'Spend' and focus_rows.charge_category = 'Usage'
                and focus_rows.commitment_discount_status = 'Used'
                then focus_rows.billing_currency
            else coalesce(pricing_units.focus_unit, focus_rows.raw_pricing_unit, 'Units')
        end as commitment_discount_unit
    from focus_rows
    left join pricing_units
        on focus_rows.raw_pricing_unit = pricing_units.gcp_unit
    left join pricing_units as consumed_units
        on focus_rows.raw_consumed_unit = consumed_units.gcp_unit

),

-- exactly the provider-union columns (macro focus_line_item_columns), in its order
published as (

    select
        {%- for column in focus_line_item_columns() %}
            costed.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from costed

)

select * from published
