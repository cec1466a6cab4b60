{#- Every staged native-FOCUS row is exactly one row of the FOCUS dataset (the provider already netted and
    amortised, so the upgrade neither splits, merges nor adds rows), and no native-FOCUS row of the dataset
    points at a staged row that does not exist. -#}

with

staged_rows as (

    select source_line_id from {{ ref('stg_focus__focus_line_items') }}

),

published_rows as (

    select
        x_source_line_id,
        count(*) as copies
    from {{ ref('focus_cost_and_usage') }}
    where x_source_kind = 'focus'
    group by x_source_line_id

),

lost_rows as (

    select
        staged_rows.source_line_id,
        'staged native FOCUS row missing from the FOCUS dataset' as problem
    from staged_rows
    where staged_rows.source_line_id not in (select published_rows.x_source_line_id from published_rows)

),

duplicated_rows as (

    select
        published_rows.x_source_line_id as source_line_id,
        'native FOCUS row published more than once' as problem
    from published_rows
    where published_rows.copies > 1

),

invented_rows as (

    select
        published_rows.x_source_line_id as source_line_id,
        'FOCUS row pointing at no staged native FOCUS row' as problem
    from published_rows
    where published_rows.x_source_line_id not in (select staged_rows.source_line_id from staged_rows)

)

select * from lost_rows
union all
select * from duplicated_rows
union all
select * from invented_rows
