{#- dbt-duckdb's delete+insert with a list unique_key deletes with `delete … using <new rows> where keys match`:
    a join. focus_cost_and_usage's key is a replace unit (provider × billing account × period) that every row of
    the unit shares, so that join pairs every published row with every new row of its unit (n² rows: a month
    of 340k lines is 10^11 pairs). Here the target rows are deleted when their key is among the distinct keys
    of the new rows (a semi-join, one probe per row); the insert is dbt-duckdb's. Root-project macros take
    precedence over the adapter's in dbt's dispatch. -#}
{% macro duckdb__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}

    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}

    {% if keys %}
        delete from {{ target }} as dbt_incremental_target
        where exists (
            select 1
            from (
                select distinct {{ keys | join(', ') }}
                from {{ source }}
            ) as replaced_keys
            where
                {% for key in keys -%}
                    replaced_keys.{{ key }} is not distinct from dbt_incremental_target.{{ key }}
                    {{- " and" if not loop.last }}
                {% endfor %}
        )
        {%- for predicate in incremental_predicates or [] %}
            and {{ predicate }}
        {%- endfor %};
    {% endif %}

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}
    )

{%- endmacro %}
