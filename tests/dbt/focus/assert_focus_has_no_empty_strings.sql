{#- FOCUS null handling: a missing value is NULL, never an empty string. Every string column of the
    published dataset, as declared in its contract. -#}
{%- set string_columns = [] -%}
{%- set node = graph.nodes.get('model.ai_finops.focus_cost_and_usage') if execute else none -%}
{%- if node -%}
    {%- for name, column in node.columns.items() -%}
        {%- if column.data_type and column.data_type | lower in ('string', 'varchar', 'text') -%}
            {%- do string_columns.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

select
    x_source_line_id,
    {%- for name in string_columns %}
        case when {{ adapter.quote(name) }} = '' then 1 else 0 end
        {%- if not loop.last %} +{% endif %}
    {%- else %}
        0
    {%- endfor %} as empty_string_columns
from {{ ref('focus_cost_and_usage') }}
where
    {%- for name in string_columns %}
        {{ adapter.quote(name) }} = ''
        {%- if not loop.last %} or{% endif %}
    {%- else %}
        false
    {%- endfor %}
