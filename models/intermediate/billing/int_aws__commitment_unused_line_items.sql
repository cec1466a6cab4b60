{#- One synthetic Usage row per commitment fee line that carries unused commitment: an RIFee with unused
    reservation hours, or an hourly SavingsPlanRecurringFee whose commitment was not fully used. The row
    bills nothing, carries the unused amount as EffectiveCost, and points back to its fee line. -#}

with

fee_lines as (

    select * from {{ ref('int_aws__cur_line_items_netted') }}
    where
        line_item_type in ('RIFee', 'SavingsPlanRecurringFee')
        and raw_amortised_cost <> 0

),

unused_rows as (

    select
        fee_lines.*,
        case
            when fee_lines.line_item_type = 'RIFee' then fee_lines.reservation_unused_quantity
            else fee_lines.raw_amortised_cost
        end as unused_quantity
    from fee_lines

)

select * from unused_rows
