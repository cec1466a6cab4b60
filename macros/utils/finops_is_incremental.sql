{#- is_incremental() asks the warehouse whether the table exists; offline BigQuery compiles cannot.
    `force_incremental_compile` compiles the incremental branch without a connection. -#}
{% macro finops_is_incremental() %}
    {% if var('force_incremental_compile', false) %}
        {{ return(true) }}
    {% endif %}
    {% if var('offline_compile', false) %}
        {{ return(false) }}
    {% endif %}
    {{ return(is_incremental()) }}
{% endmacro %}
