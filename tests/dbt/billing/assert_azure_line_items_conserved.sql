{#- Every landed Azure line of either dataset becomes exactly one FOCUS row or is excluded with a stated
    reason (int_azure__cost_line_items_paired.exclusion_reason), and no Azure FOCUS row points at a line that
    was not landed. -#}

with

staged_lines as (

    select source_line_id from {{ ref('stg_azure__cost_details_actual') }}
    union all
    select source_line_id from {{ ref('stg_azure__cost_details_amortized') }}

),

paired_lines as (

    select
        source_line_id,
        exclusion_reason
    from {{ ref('int_azure__cost_line_items_paired') }}

),

focus_rows as (

    select
        x_source_line_id as source_line_id,
        count(*) as focus_row_count
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'azure' and x_source_kind = 'cost_details'
    group by x_source_line_id

),

accounted as (

    select
        staged_lines.source_line_id,
        paired_lines.source_line_id is not null as is_paired,
        paired_lines.exclusion_reason,
        coalesce(focus_rows.focus_row_count, 0) as focus_row_count
    from staged_lines
    left join paired_lines
        on staged_lines.source_line_id = paired_lines.source_line_id
    left join focus_rows
        on staged_lines.source_line_id = focus_rows.source_line_id

),

problems as (

    select
        source_line_id,
        case
            when not is_paired then 'landed line missing from the pairing'
            when exclusion_reason is null and focus_row_count = 0 then 'line with no FOCUS row and no exclusion reason'
            when exclusion_reason is not null and focus_row_count > 0 then 'excluded line that still has a FOCUS row'
            when focus_row_count > 1 then 'line with more than one FOCUS row'
        end as problem
    from accounted

    union all

    select
        focus_rows.source_line_id,
        'FOCUS row pointing at no landed line' as problem
    from focus_rows
    where focus_rows.source_line_id not in (select staged_lines.source_line_id from staged_lines)

)

select * from problems
where problem is not null
