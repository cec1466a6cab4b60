{#- Nested types and typed array literals for `format: sql` unit-test fixtures that must run on DuckDB and on
    BigQuery (STRUCT/LIST vs STRUCT<>/ARRAY<>). Elements are written as tuples, `('key', 'value')`, which both
    engines read as an unnamed struct. Not for models. -#}

{#- fields: list of (name, type) pairs; type is any type name both engines know (`string`, `bool`, ...) or a
    fixture_struct_type / fixture_list_type. -#}
{% macro fixture_struct_type(fields) %}
    {{ return(adapter.dispatch('fixture_struct_type', 'ai_finops')(fields)) }}
{% endmacro %}

{% macro default__fixture_struct_type(fields) -%}
    struct({% for name, type in fields %}{{ adapter.quote(name) }} {{ type }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro bigquery__fixture_struct_type(fields) -%}
    struct<{% for name, type in fields %}{{ adapter.quote(name) }} {{ type }}{{ ', ' if not loop.last }}{% endfor %}>
{%- endmacro %}

{% macro fixture_list_type(element_type) %}
    {{ return(adapter.dispatch('fixture_list_type', 'ai_finops')(element_type)) }}
{% endmacro %}

{% macro default__fixture_list_type(element_type) -%}
    {{ element_type }}[]
{%- endmacro %}

{% macro bigquery__fixture_list_type(element_type) -%}
    array<{{ element_type }}>
{%- endmacro %}

{#- A list of type list_type (a fixture_list_type) holding `items` (tuples, comma-separated; '' for empty). -#}
{% macro fixture_list(list_type, items) %}
    {{ return(adapter.dispatch('fixture_list', 'ai_finops')(list_type, items)) }}
{% endmacro %}

{% macro default__fixture_list(list_type, items) -%}
    cast([{{ items }}] as {{ list_type }})
{%- endmacro %}

{% macro bigquery__fixture_list(list_type, items) -%}
    {{ list_type }}[{{ items }}]
{%- endmacro %}
