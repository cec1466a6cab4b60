{#- Every provider's charges in one FOCUS-shaped relation (snake_case): one row per FOCUS charge row of any
    provider. Each provider model selects the same columns (macro focus_line_item_columns) in the same
    order; `x_source_provider` tells them apart. -#}

{%- set provider_models = [
    'int_aws__focus_line_items',
    'int_azure__focus_line_items',
    'int_focus__focus_line_items',
    'int_gcp__focus_line_items',
] %}

with

{% for provider_model in provider_models %}
    {{ provider_model }} as (

        select
            {%- for column in focus_line_item_columns() %}
                {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ ref(provider_model) }}

    ),

{% endfor %}
unioned as (

    {% for provider_model in provider_models %}
        select * from {{ provider_model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
