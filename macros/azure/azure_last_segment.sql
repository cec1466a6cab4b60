{#- The last `/` segment of an Azure resource id (`.../virtualMachines/vm-1` -> `vm-1`): FOCUS ResourceName
    where the export has no ResourceName column (MCA), as finops-toolkit's convert.md does. -#}
{% macro azure_last_segment(resource_id) -%}
    {{ return(adapter.dispatch('azure_last_segment', 'ai_finops')(resource_id)) }}
{%- endmacro %}

{% macro default__azure_last_segment(resource_id) -%}
    nullif(regexp_extract({{ resource_id }}, '([^/]*)/?$', 1), '')
{%- endmacro %}

{% macro bigquery__azure_last_segment(resource_id) -%}
    nullif(regexp_extract({{ resource_id }}, r'([^/]*)/?$'), '')
{%- endmacro %}
