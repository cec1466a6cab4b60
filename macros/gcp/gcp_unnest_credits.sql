{#- One row per element of the repeated `credits` column of the GCP billing export, with its 1-based position:
    a complete select over `relation` (a CTE or relation name) carrying `key_columns` along. Rows without
    credits produce no row. Unnesting a REPEATED RECORD is spelled differently on each engine: DuckDB unnests
    the landed Parquet's LIST of STRUCT with its subscripts; BigQuery unnests the export's ARRAY<STRUCT> with OFFSET.
    The amount is cast to money (the export writes FLOAT64). -#}
{% macro gcp_unnest_credits(relation, key_columns) %}
    {{ return(adapter.dispatch('gcp_unnest_credits', 'ai_finops')(relation, key_columns)) }}
{% endmacro %}

{#- DuckDB: unnest in the select list with generate_subscripts for the position; a lateral join over
    range(1, len(credits) + 1) would repeat the whole credits list on every output row and plan a
    duplicate-eliminated join that holds every row's key and list. -#}
{% macro default__gcp_unnest_credits(relation, key_columns) %}
    select
        {%- for column in key_columns %}
            credit_entries.{{ column }},
        {%- endfor %}
        credit_entries.credit_position,
        credit_entries.credit.name as credit_name,
        cast(credit_entries.credit.amount as {{ type_money() }}) as credit_amount,
        credit_entries.credit.full_name as credit_full_name,
        credit_entries.credit.id as credit_id,
        credit_entries.credit.type as credit_type
    from (
        select
            {%- for column in key_columns %}
                {{ relation }}.{{ column }},
            {%- endfor %}
            unnest({{ relation }}.credits) as credit,
            generate_subscripts({{ relation }}.credits, 1) as credit_position
        from {{ relation }}
    ) as credit_entries
{% endmacro %}

{% macro bigquery__gcp_unnest_credits(relation, key_columns) %}
    select
        {%- for column in key_columns %}
            {{ relation }}.{{ column }},
        {%- endfor %}
        {#- cast: crucible-emulator types `offset + 1` as the unnested STRUCT in a view's schema -#}
        cast(credit_offset + 1 as {{ dbt.type_bigint() }}) as credit_position,
        credit.name as credit_name,
        cast(credit.amount as {{ type_money() }}) as credit_amount,
        credit.full_name as credit_full_name,
        credit.id as credit_id,
        credit.type as credit_type
    from {{ relation }}
    cross join unnest({{ relation }}.credits) as credit with offset as credit_offset
{% endmacro %}
