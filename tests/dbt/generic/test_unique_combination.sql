{#-
    Fails for every combination of the given columns that occurs on more than one row.
    Composite grain test for a project without dbt_utils. Rows whose key contains nulls are
    grouped like any other value, so two rows with the same nulls also fail.

    data_tests:
      - unique_combination:
          arguments:
            combination_of_columns: [provider, instance_type]
-#}
{% test unique_combination(model, combination_of_columns) %}

with

duplicate_keys as (

    select
        {% for column_name in combination_of_columns -%}
        {{ column_name }},
        {% endfor -%}
        count(*) as n_rows
    from {{ model }}
    group by
        {% for column_name in combination_of_columns -%}
        {{ column_name }}{{ "," if not loop.last }}
        {% endfor %}
    having count(*) > 1

)

select * from duplicate_keys

{% endtest %}
