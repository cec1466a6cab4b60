{#- Money and quantities: decimal(38,10) everywhere. Bare `numeric` is DECIMAL(18,3) on DuckDB and rounds
    a $0.000005 credit to zero; BigQuery's NUMERIC keeps 9 decimals, so BIGNUMERIC there. The var
    `bigquery_money_type` exists for crucible-emulator, which has no BIGNUMERIC (scripts/bigquery_emulator_build.py
    sets it to numeric); leave it at its default anywhere else. -#}
{% macro type_money() %}
    {{ return(adapter.dispatch('type_money', 'ai_finops')()) }}
{% endmacro %}

{% macro default__type_money() %}decimal(38, 10){% endmacro %}

{% macro bigquery__type_money() %}{{ var('bigquery_money_type', 'bignumeric') }}{% endmacro %}
