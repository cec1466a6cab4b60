{#- The published dataset carries every FOCUS 1.2 column under its exact name, FOCUS columns come first,
    and every other column carries the x_ prefix. Reads the built relation's columns. -#}
-- depends_on: {{ ref('focus_cost_and_usage') }}
{%- set published = [] -%}
{%- if execute and not var('offline_compile', false) -%}
    {%- for column in adapter.get_columns_in_relation(ref('focus_cost_and_usage')) -%}
        {%- do published.append(column.name) -%}
    {%- endfor -%}
{%- endif %}

with

published_columns as (

    {% for name in published -%}
        select '{{ name }}' as column_name, {{ loop.index }} as position
        {% if not loop.last %}union all{% endif %}
    {% else -%}
        select
            cast(null as {{ dbt.type_string() }}) as column_name,
            0 as position
    {%- endfor %}

),

focus_columns as (

    select column_id from {{ ref('focus_1_2_columns') }}

),

missing_focus_columns as (

    select
        focus_columns.column_id as column_name,
        'FOCUS 1.2 column missing' as problem
    from focus_columns
    where focus_columns.column_id not in (
        select published_columns.column_name from published_columns
        where published_columns.column_name is not null
    )

),

unprefixed_extensions as (

    select
        published_columns.column_name,
        'custom column without the x_ prefix' as problem
    from published_columns
    where
        published_columns.column_name is not null
        and published_columns.column_name not in (select focus_columns.column_id from focus_columns)
        and substr(published_columns.column_name, 1, 2) <> 'x_'

),

focus_after_extension as (

    select
        published_columns.column_name,
        'FOCUS column placed after a custom column' as problem
    from published_columns
    where
        published_columns.column_name in (select focus_columns.column_id from focus_columns)
        and published_columns.position > (
            select min(extension.position) from published_columns as extension
            where substr(extension.column_name, 1, 2) = 'x_'
        )

)

select * from missing_focus_columns
union all
select * from unprefixed_extensions
union all
select * from focus_after_extension
