{#- Every FOCUS row with its canonical owner and ML identifiers, computed once for the attribution models.
    Tags are read per distinct Tags text (identical tag sets repeat on thousands of lines), through every raw
    key the tag_key_aliases seed lists for a canonical key, preferring the lowest priority. -#}
{%- set canonical_keys = ['team', 'model', 'project', 'cost_center', 'environment', 'workload', 'mlflow_run_id'] -%}

with

focus_rows as (

    select * from {{ ref('focus_cost_and_usage') }}

),

tag_key_aliases as (

    select * from {{ ref('tag_key_aliases') }}

),

billing_scope_owners as (

    select * from {{ ref('billing_scope_owners') }}

),

distinct_tags as (

    select focus_rows.Tags as tags
    from focus_rows
    where focus_rows.Tags is not null
    group by focus_rows.Tags

),

tag_values as (

    select
        distinct_tags.tags,
        tag_key_aliases.canonical_key,
        tag_key_aliases.priority,
        trim({{ json_text_value('distinct_tags.tags', 'tag_key_aliases.raw_key') }}) as tag_value
    from distinct_tags
    cross join tag_key_aliases

),

ranked_tag_values as (

    select
        tag_values.tags,
        tag_values.canonical_key,
        tag_values.tag_value,
        row_number() over (
            partition by tag_values.tags, tag_values.canonical_key
            order by tag_values.priority
        ) as preference
    from tag_values
    where tag_values.tag_value is not null and tag_values.tag_value != ''

),

canonical_tags as (

    select
        ranked_tag_values.tags,
        {%- for key in canonical_keys %}
            max(case when ranked_tag_values.canonical_key = '{{ key }}' then ranked_tag_values.tag_value end)
                as tag_{{ key }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from ranked_tag_values
    where ranked_tag_values.preference = 1
    group by ranked_tag_values.tags

),

tagged as (

    select
        focus_rows.x_source_provider as provider,
        focus_rows.BillingAccountId as billing_account_id,
        focus_rows.SubAccountId as sub_account_id,
        focus_rows.SubAccountName as sub_account_name,
        focus_rows.BillingPeriodStart as billing_period_start,
        focus_rows.x_billing_period,
        focus_rows.BillingCurrency as billing_currency,
        focus_rows.ChargePeriodStart as charge_period_start,
        focus_rows.ChargePeriodEnd as charge_period_end,
        focus_rows.ChargeCategory as charge_category,
        focus_rows.ChargeClass as charge_class,
        focus_rows.ChargeFrequency as charge_frequency,
        focus_rows.ChargeDescription as charge_description,
        focus_rows.CommitmentDiscountStatus as commitment_discount_status,
        focus_rows.ServiceCategory as service_category,
        focus_rows.ServiceSubcategory as service_subcategory,
        focus_rows.ServiceName as service_name,
        focus_rows.ResourceId as resource_id,
        focus_rows.ResourceName as resource_name,
        focus_rows.ResourceType as resource_type,
        focus_rows.RegionId as region_id,
        focus_rows.PricingCategory as pricing_category,
        focus_rows.ConsumedQuantity as consumed_quantity,
        focus_rows.ConsumedUnit as consumed_unit,
        focus_rows.x_usage_type,
        focus_rows.x_operation,
        focus_rows.x_line_item_type,
        focus_rows.x_instance_type,
        focus_rows.x_product_code,
        focus_rows.x_source_line_id,
        focus_rows.Tags as tags,
        focus_rows.EffectiveCost as effective_cost,
        focus_rows.BilledCost as billed_cost,
        lower(canonical_tags.tag_team) as tag_team,
        lower(coalesce(
            canonical_tags.tag_team,
            sub_account_by_id.owner_team,
            sub_account_by_name.owner_team,
            billing_account_owner.owner_team
        )) as team,
        case
            when canonical_tags.tag_team is not null then 'tag'
            when coalesce(
                sub_account_by_id.owner_team, sub_account_by_name.owner_team, billing_account_owner.owner_team
            ) is not null then 'owner_seed'
        end as team_source,
        canonical_tags.tag_model as model_name,
        canonical_tags.tag_project as project,
        coalesce(
            canonical_tags.tag_cost_center,
            sub_account_by_id.cost_center,
            sub_account_by_name.cost_center,
            billing_account_owner.cost_center
        ) as cost_center,
        lower(canonical_tags.tag_environment) as environment,
        lower(canonical_tags.tag_workload) as workload_tag,
        canonical_tags.tag_mlflow_run_id as mlflow_run_id
    from focus_rows
    left join canonical_tags
        on focus_rows.Tags = canonical_tags.tags
    left join billing_scope_owners as sub_account_by_id
        on
            focus_rows.x_source_provider = sub_account_by_id.provider
            and sub_account_by_id.scope_level = 'sub_account'
            and focus_rows.SubAccountId = sub_account_by_id.scope_id
    left join billing_scope_owners as sub_account_by_name
        on
            focus_rows.x_source_provider = sub_account_by_name.provider
            and sub_account_by_name.scope_level = 'sub_account'
            and sub_account_by_name.scope_id is null
            and focus_rows.SubAccountName = sub_account_by_name.scope_name
    left join billing_scope_owners as billing_account_owner
        on
            focus_rows.x_source_provider = billing_account_owner.provider
            and billing_account_owner.scope_level = 'billing_account'
            and focus_rows.BillingAccountId = billing_account_owner.scope_id

)

select * from tagged
