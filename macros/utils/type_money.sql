{#- Money and quantities: decimal(38,10) everywhere. Bare `numeric` is DECIMAL(18,3) on DuckDB and rounds
    a $0.000005 credit to zero; BigQuery's NUMERIC keeps 9 decimals, so BIGNUMERIC there. -#}
{% macro type_money() %}
    {{ return(adapter.dispatch('type_money', 'ai_finops')()) }}
{% endmacro %}

{% macro default__type_money() %}decimal(38, 10){% endmacro %}

{% macro bigquery__type_money() %}bignumeric{% endmacro %}
