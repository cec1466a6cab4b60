{#- A key/value map (DuckDB MAP; on BigQuery the STRUCT<key_value ARRAY<STRUCT<key, value>>> a Parquet MAP
    loads as) as a flat JSON object string in the map's entry order, or null when it has no entries. FOCUS
    Tags and SkuPriceDetails use this shape. Both engines escape quotes and backslashes; they may spell other
    characters differently (BigQuery writes `<` as \u003c), so compare the JSON, not the text.
    BigQuery: to_json_string(to_json(x)) rather than to_json_string(x), which crucible-emulator cannot run on
    a STRING; a null value is JSON null, as DuckDB's to_json writes it. -#}
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
                concat(
                    '{',
                    string_agg(
                        concat(
                            to_json_string(to_json(entry.key)),
                            ':',
                            if(entry.value is null, 'null', to_json_string(to_json(entry.value)))
                        ),
                        ',' order by entry_position
                    ),
                    '}'
                )
            )
        from unnest({{ column }}.key_value) as entry with offset as entry_position
    )
{% endmacro %}
