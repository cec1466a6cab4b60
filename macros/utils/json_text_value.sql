{#- Text value of the top-level key `key` of a flat JSON object held as text (FOCUS Tags, pod labels, MLflow
    params/tags, managed-ML labels), or null when the key is absent.

    `key` is a SQL string expression: either a quoted literal such as `"'mlflow.runName'"` (the common case) or
    a per-row expression such as `'tag_key_aliases.raw_key'`. Keys may hold any character but a quote
    (`resourceTags/user:Team`, `kubernetes.io/name`, `mlflow.parentRunId`): the key is always quoted in the path.

    - Literal key (the whole expression is one single-quoted string with no quote inside): a constant path,
      `json_extract_string(x, '$."key"')` on DuckDB and `json_value(x, '$."key"')` on BigQuery (no PARSE_JSON,
      the cheap form).
    - Any other expression: DuckDB builds the path per row with concat; BigQuery parses the text once with
      `safe.parse_json` and reads the field with the JSON subscript operator, which accepts a non-constant
      field name (json_value's path must be a constant). -#}
{% macro json_text_value(json_text, key) %}
    {{ return(adapter.dispatch('json_text_value', 'ai_finops')(json_text, key)) }}
{% endmacro %}

{#- The key text when `key` is a plain quoted SQL literal (safe to splice into a constant JSON path), else none. -#}
{% macro json_text_value_literal_key(key) %}
    {%- set key = key | trim -%}
    {%- if key | length >= 2 and key[0] == "'" and key[-1] == "'" -%}
        {%- set inner = key[1:-1] -%}
        {%- if "'" not in inner and '"' not in inner and '\\' not in inner -%}
            {{ return(inner) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{% macro default__json_text_value(json_text, key) %}
    {%- set literal_key = json_text_value_literal_key(key) -%}
    {%- if literal_key is not none -%}
        json_extract_string({{ json_text }}, '$."{{ literal_key }}"')
    {%- else -%}
        json_extract_string({{ json_text }}, concat('$."', {{ key }}, '"'))
    {%- endif -%}
{% endmacro %}

{% macro bigquery__json_text_value(json_text, key) %}
    {%- set literal_key = json_text_value_literal_key(key) -%}
    {%- if literal_key is not none -%}
        json_value({{ json_text }}, '$."{{ literal_key }}"')
    {%- else -%}
        json_value(safe.parse_json({{ json_text }})[{{ key }}])
    {%- endif -%}
{% endmacro %}
