{#- One row per element of the repeated `credits` column of the GCP billing export, with its 1-based position:
    a complete select over `relation` (a CTE or relation name) carrying `key_columns` along. Rows without
    credits produce no row. Unnesting a REPEATED RECORD is spelled differently on each engine: DuckDB reads
    the landed Parquet's LIST of STRUCT by position; BigQuery unnests the export's ARRAY<STRUCT> with OFFSET.
    The amount is cast to money (the export writes FLOAT64). -#}
{% macro gcp_unnest_credits(relation, key_columns) %}
    {{ return(adapter.dispatch('gcp_unnest_credits', 'ai_finops')(relation, key_columns)) }}
{% endmacro %}

{% macro default__gcp_unnest_credits(relation, key_columns) %}
    select
        {%- for column in key_columns %}
            {{ relation }}.{{ column }},
        {%- endfor %}
        positions.credit_position,
        {{ relation }}.credits[positions.credit_position].name as credit_name,
        cast({{ relation }}.credits[positions.credit_position].amount as {{ type_money() }}) as credit_amount,
        {{ relation }}.credits[positions.credit_position].full_name as credit_full_name,
        {{ relation }}.credits[positions.credit_position].id as credit_id,
        {{ relation }}.credits[positions.credit_position].type as credit_type
    from {{ relation }}
    cross join unnest(range(1, len({{ relation }}.credits) + 1)) as positions (credit_position)
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
