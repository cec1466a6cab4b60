{#- A charge of a billionth of a dollar must reach the published dataset unrounded: money is
    decimal(38,10) end to end (bare numeric on DuckDB is DECIMAL(18,3) and would round it to 0). -#}

with

tiny_lines as (

    select
        source_line_id,
        unblended_cost
    from {{ ref('stg_aws__cur_line_items') }}
    where
        unblended_cost <> 0
        and abs(unblended_cost) < 0.000001
        and line_item_type not in ('SavingsPlanCoveredUsage', 'SavingsPlanNegation')

)

select
    tiny_lines.source_line_id,
    tiny_lines.unblended_cost,
    published.BilledCost
from tiny_lines
left join {{ ref('focus_cost_and_usage') }} as published
    on
        tiny_lines.source_line_id = published.x_source_line_id
        and published.CommitmentDiscountStatus is distinct from 'Unused'
where published.BilledCost is null or published.BilledCost <> tiny_lines.unblended_cost
