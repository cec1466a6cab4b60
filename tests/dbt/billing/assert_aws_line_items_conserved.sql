{#- Every staged CUR line maps to at least one FOCUS row (through x_source_line_id, or as the negation
    netted into a covered-usage row through x_netted_source_line_id) or is excluded with a stated reason;
    and no FOCUS row points at a line that does not exist. -#}

with

staged_lines as (

    select source_line_id from {{ ref('stg_aws__cur_line_items') }}

),

focus_rows as (

    select
        x_source_line_id,
        x_netted_source_line_id
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'aws' and x_source_kind = 'cur'

),

accounted as (

    select x_source_line_id as source_line_id from focus_rows
    union all
    select x_netted_source_line_id as source_line_id from focus_rows
    where x_netted_source_line_id is not null
    union all
    select source_line_id from {{ ref('int_aws__cur_split_cost_line_items') }}
    where exclusion_reason is not null

),

lost_lines as (

    select
        staged_lines.source_line_id,
        'staged line with no FOCUS row and no exclusion reason' as problem
    from staged_lines
    where staged_lines.source_line_id not in (select accounted.source_line_id from accounted)

),

invented_rows as (

    select
        accounted.source_line_id,
        'FOCUS row or exclusion pointing at no staged line' as problem
    from accounted
    where accounted.source_line_id not in (select staged_lines.source_line_id from staged_lines)

)

select * from lost_lines
union all
select * from invented_rows
