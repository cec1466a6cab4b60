{#- Every dollar of the FOCUS dataset once: the allocation rows of the three producers plus each FOCUS row no
    producer claimed, kept whole as `not_resource_attributable` (tax, credits, discounts, purchases and
    commitment fees, unused commitment, support, adjustments and rounding) or `unattributed` (usage nobody attributed). A
    FOCUS row is claimed when a producer emits its (provider, x_source_line_id); synthetic `Unused` commitment
    rows share their fee line's id and are never claimed. Workload rows are classified here, once (macro
    workload_class), from the producer's class, the line's workload tag, MLflow run nesting and the hours the
    workload ran. Materialised as a table: three marts and the gates read it. -#}
{{ config(materialized='table') }}
{%- set columns = allocation_row_columns() -%}
{%- set producers = [
    'int_gpu_costs_allocated_to_workloads',
    'int_managed_ml_costs_allocated_to_workloads',
    'int_hidden_costs_allocated_to_workloads',
] -%}

with

{% for producer in producers %}
    {{ producer }} as (

        select * from {{ ref(producer) }}

    ),

{% endfor %}

tagged_line_items as (

    select * from {{ ref('int_focus_line_items_tagged') }}

),

mlflow_runs as (

    select * from {{ ref('stg_mlflow__runs') }}

),

producer_rows as (

    {% for producer in producers %}
        select
            {%- for column in columns %}
                {{ producer }}.{{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ producer }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

line_tags as (

    {#- One row per billing line (the fee line and its Unused row share an id but not a workload tag). -#}
    select
        tagged_line_items.provider,
        tagged_line_items.x_source_line_id,
        max(tagged_line_items.team) as team,
        max(tagged_line_items.model_name) as model_name,
        max(tagged_line_items.workload_tag) as workload_tag
    from tagged_line_items
    where
        tagged_line_items.commitment_discount_status is null
        or tagged_line_items.commitment_discount_status != 'Unused'
    group by tagged_line_items.provider, tagged_line_items.x_source_line_id

),

producer_rows_tagged as (

    select
        producer_rows.*,
        line_tags.team as line_team,
        line_tags.model_name as line_model_name,
        line_tags.workload_tag
    from producer_rows
    left join line_tags
        on
            producer_rows.provider = line_tags.provider
            and producer_rows.source_line_id = line_tags.x_source_line_id

),

workload_evidence as (

    select
        producer_rows_tagged.workload_key,
        max(producer_rows_tagged.workload_class) as declared_class,
        max(producer_rows_tagged.workload_tag) as workload_tag,
        max(producer_rows_tagged.run_id) as run_id,
        coalesce(
            nullif(count(distinct case
                when producer_rows_tagged.gpu_hours_allocated > 0 then producer_rows_tagged.hour_start
            end), 0),
            24 * count(distinct case
                when producer_rows_tagged.gpu_hours_allocated > 0 then producer_rows_tagged.charge_date
            end)
        ) as active_hours
    from producer_rows_tagged
    where producer_rows_tagged.workload_key is not null
    group by producer_rows_tagged.workload_key

),

workload_classes as (

    select
        workload_evidence.workload_key,
        {{ workload_class(
            'workload_evidence.workload_key',
            'workload_evidence.declared_class',
            'workload_evidence.workload_tag',
            'mlflow_runs.parent_run_id',
            'workload_evidence.active_hours',
        ) }} as workload_class
    from workload_evidence
    left join mlflow_runs
        on workload_evidence.run_id = mlflow_runs.run_id

),

classified_producer_rows as (

    select
        {%- for column in columns %}
            {%- if column == 'workload_class' %}
                workload_classes.workload_class,
            {%- elif column in ('team', 'model_name') %}
                coalesce(producer_rows_tagged.{{ column }}, producer_rows_tagged.line_{{ column }}) as {{ column }},
            {%- else %}
                producer_rows_tagged.{{ column }}{% if not loop.last %},{% endif %}
            {%- endif %}
        {%- endfor %}
    from producer_rows_tagged
    left join workload_classes
        on producer_rows_tagged.workload_key = workload_classes.workload_key

),

claimed_lines as (

    select
        producer_rows.provider,
        producer_rows.source_line_id
    from producer_rows
    group by producer_rows.provider, producer_rows.source_line_id

),

remaining_rows as (

    select
        tagged_line_items.provider,
        tagged_line_items.billing_account_id,
        tagged_line_items.sub_account_id,
        tagged_line_items.billing_period_start,
        tagged_line_items.billing_currency,
        cast(tagged_line_items.charge_period_start as date) as charge_date,
        {{ dbt.cast('null', dbt.type_timestamp()) }} as hour_start,
        tagged_line_items.resource_id,
        tagged_line_items.x_source_line_id as source_line_id,
        {{ dbt.cast('null', dbt.type_string()) }} as workload_key,
        {{ dbt.cast('null', dbt.type_string()) }} as workload_class,
        tagged_line_items.team,
        tagged_line_items.model_name,
        {{ dbt.cast('null', dbt.type_string()) }} as run_id,
        {{ dbt.cast('null', dbt.type_string()) }} as experiment_name,
        case
            when
                tagged_line_items.charge_category != 'Usage'
                or tagged_line_items.commitment_discount_status = 'Unused'
                or tagged_line_items.service_name like '%Support%'
                or coalesce(tagged_line_items.x_line_item_type, '') like '%Discount%'
                or tagged_line_items.x_line_item_type in ('Fee', 'RIFee', 'Refund', 'Credit', 'Tax')
                then 'not_resource_attributable'
            else 'unattributed'
        end as cost_class,
        'none' as allocation_method,
        {{ dbt.cast('null', dbt.type_string()) }} as x_hour_basis,
        {{ to_money('null') }} as gpu_hours_allocated,
        {{ to_money('null') }} as gpu_hours_used,
        tagged_line_items.effective_cost,
        tagged_line_items.billed_cost
    from tagged_line_items
    left join claimed_lines
        on
            tagged_line_items.provider = claimed_lines.provider
            and tagged_line_items.x_source_line_id = claimed_lines.source_line_id
            and (
                tagged_line_items.commitment_discount_status is null
                or tagged_line_items.commitment_discount_status != 'Unused'
            )
    where claimed_lines.source_line_id is null

),

unioned as (

    select * from classified_producer_rows

    union all

    select * from remaining_rows

)

select * from unioned
