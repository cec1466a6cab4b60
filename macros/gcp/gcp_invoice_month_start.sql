{#- The first of an invoice month (`invoice.month`, text `YYYYMM`) at midnight, as a timestamp without zone. -#}
{% macro gcp_invoice_month_start(invoice_month) %}
    {{ dbt.cast(
        dbt.concat(["substr(" ~ invoice_month ~ ", 1, 4)", "'-'", "substr(" ~ invoice_month ~ ", 5, 2)", "'-01 00:00:00'"]),
        dbt.type_timestamp()
    ) }}
{% endmacro %}
