{#- 'YYYY-MM' of a timestamp, the billing-period key used by the landing zone. On BigQuery the landed
    timestamps may be DATETIME (a Parquet TIMESTAMP without time zone) or TIMESTAMP: cast, both are UTC. -#}
{% macro month_key(expression) %}
    {{ return(adapter.dispatch('month_key', 'ai_finops')(expression)) }}
{% endmacro %}

{% macro default__month_key(expression) %}strftime({{ expression }}, '%Y-%m'){% endmacro %}

{% macro bigquery__month_key(expression) %}format_timestamp('%Y-%m', cast({{ expression }} as timestamp)){% endmacro %}
