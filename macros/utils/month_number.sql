{#- Month of the year (1-12) of a timestamp. On BigQuery read from its DATETIME (UTC, as EXTRACT reads a
    TIMESTAMP by default): crucible-emulator, which CI builds on, refuses EXTRACT from a TIMESTAMP. -#}
{% macro month_number(expression) %}
    {{ return(adapter.dispatch('month_number', 'ai_finops')(expression)) }}
{% endmacro %}

{% macro default__month_number(expression) %}extract(month from {{ expression }}){% endmacro %}

{% macro bigquery__month_number(expression) %}extract(month from cast({{ expression }} as datetime)){% endmacro %}
