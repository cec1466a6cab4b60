{#- Value of `key` in a key/value map, or null: a DuckDB MAP, or on BigQuery the
    STRUCT<key_value ARRAY<STRUCT<key, value>>> a Parquet MAP loads as (keys are unique in both). -#}
{% macro map_get(column, key) %}
    {{ return(adapter.dispatch('map_get', 'ai_finops')(column, key)) }}
{% endmacro %}

{% macro default__map_get(column, key) %}
    {{ column }}[{{ key }}]
{% endmacro %}

{% macro bigquery__map_get(column, key) %}
    (select entry.value from unnest({{ column }}.key_value) as entry where entry.key = {{ key }} limit 1)
{% endmacro %}
