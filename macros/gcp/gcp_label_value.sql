{#- The value of `key` in a GCP key/value list (`labels`, `system_labels`, `project.labels`), or null. -#}
{% macro gcp_label_value(labels, key) %}
    {{ return(adapter.dispatch('gcp_label_value', 'ai_finops')(labels, key)) }}
{% endmacro %}

{% macro default__gcp_label_value(labels, key) %}
    list_filter(coalesce({{ labels }}, []), lambda l: l.key = {{ key }})[1].value
{% endmacro %}

{% macro bigquery__gcp_label_value(labels, key) %}
    (select l.value from unnest({{ labels }}) as l where l.key = {{ key }} limit 1)
{% endmacro %}
