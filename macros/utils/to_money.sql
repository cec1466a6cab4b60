{#- Cast an expression to money. Text that is not a number becomes null (ingest has already refused such
    files, so this only meets empty values). -#}
{% macro to_money(expression) %}
    cast({{ expression }} as {{ type_money() }})
{% endmacro %}
