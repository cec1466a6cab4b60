{#-
    Multi-column relationships test: every non-null combination of from_columns in the model
    must exist as a combination of to_columns in `to`. It mirrors dbt's built-in `relationships`
    test: rows where any key column is null are skipped. Add not_null tests if the key is
    mandatory.

    data_tests:
      - relationships_multi:
          arguments:
            to: ref('focus_service_subcategories')
            from_columns: [service_category, service_subcategory]
            to_columns: [service_category, service_subcategory]
-#}
{% test relationships_multi(model, to, from_columns, to_columns) %}

{%- if from_columns | length != to_columns | length or from_columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "relationships_multi: from_columns and to_columns must be non-empty lists of the same length"
    ) }}
{%- endif %}

with

child_keys as (

    select
        {% for column_name in from_columns -%}
        {{ column_name }} as key_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}
    where
        {% for column_name in from_columns -%}
        {{ column_name }} is not null{{ " and" if not loop.last }}
        {% endfor %}

),

parent_keys as (

    select
        {% for column_name in to_columns -%}
        {{ column_name }} as key_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ to }}

),

orphan_keys as (

    select child_keys.*
    from child_keys
    left join parent_keys
        on
        {% for column_name in from_columns -%}
        child_keys.key_{{ loop.index }} = parent_keys.key_{{ loop.index }}{{ " and" if not loop.last }}
        {% endfor %}
    where parent_keys.key_1 is null

)

select * from orphan_keys

{% endtest %}
