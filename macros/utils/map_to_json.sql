{#- A key/value map (DuckDB MAP; BigQuery ARRAY<STRUCT<key, value>> as loaded from Parquet) as a flat JSON
    object string, or null when it has no entries. FOCUS Tags and SkuPriceDetails use this shape. -#}
{% macro map_to_json(column) %}
    {{ return(adapter.dispatch('map_to_json', 'ai_finops')(column)) }}
{% endmacro %}

{% macro default__map_to_json(column) %}
    case when cardinality({{ column }}) > 0 then cast(to_json({{ column }}) as {{ dbt.type_string() }}) end
{% endmacro %}

{% macro bigquery__map_to_json(column) %}
    (
        select
            if(
                count(*) = 0,
                null,
                concat('{', string_agg(concat(to_json_string(entry.key), ':', to_json_string(entry.value)), ',' order by entry.key), '}')
            )
        from unnest({{ column }}.key_value) as entry
    )
{% endmacro %}
