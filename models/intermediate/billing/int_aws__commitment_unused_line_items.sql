{#- One synthetic Usage row per commitment fee line that carries unused commitment: an RIFee with unused
    reservation hours, or an hourly SavingsPlanRecurringFee whose commitment was not fully used. The row
    bills nothing, carries the unused amount as EffectiveCost, and points back to its fee line.
    Fee lines are never netted, so they are read from int_aws__cur_line_items_priced with the netting columns
    of int_aws__cur_line_items_netted (same names, same order) filled as netting leaves them: reading the
    netted model here would run the whole Savings Plan matching a second time in int_aws__focus_line_items. -#}

with

fee_lines as (

    select * from {{ ref('int_aws__cur_line_items_priced') }}
    where
        line_item_type in ('RIFee', 'SavingsPlanRecurringFee')
        and raw_amortised_cost <> 0

),

unused_rows as (

    select
        fee_lines.*,
        cast(null as {{ dbt.type_string() }}) as netted_source_line_id,
        fee_lines.raw_billed_cost as billed_cost,
        cast(null as {{ dbt.type_string() }}) as unmatched_reason,
        case
            when fee_lines.line_item_type = 'RIFee' then fee_lines.reservation_unused_quantity
            else fee_lines.raw_amortised_cost
        end as unused_quantity
    from fee_lines

)

select * from unused_rows
