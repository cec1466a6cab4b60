{#- A 64-bit float for shares and weights (never money): DOUBLE on DuckDB, FLOAT64 on BigQuery. dbt.type_float() is
    DuckDB's 32-bit FLOAT, which moves a share in its eighth digit. -#}
{% macro type_double() %}
    {{ return(adapter.dispatch('type_double', 'ai_finops')()) }}
{% endmacro %}

{% macro default__type_double() %}double{% endmacro %}

{% macro bigquery__type_double() %}float64{% endmacro %}
