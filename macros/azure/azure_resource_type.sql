{#- The ARM resource type of an Azure resource id, lower-cased: the provider namespace and the first type
    segment after `/providers/` (`/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm`
    -> `microsoft.compute/virtualmachines`; a reservation -> `microsoft.capacity/reservationorders`). Null when
    the id has no `/providers/` part. The key of seeds/azure_service_categories.csv, and the FOCUS ResourceType. -#}
{% macro azure_resource_type(resource_id) -%}
    {%- set tail = dbt.split_part('lower(' ~ resource_id ~ ')', "'/providers/'", 2) -%}
    case
        when lower({{ resource_id }}) like '%/providers/%/%'
            then {{ dbt.concat([dbt.split_part(tail, "'/'", 1), "'/'", dbt.split_part(tail, "'/'", 2)]) }}
    end
{%- endmacro %}
