{#- Spreading daily lines to hours keeps every GPU instance line whole: Σ of a line's hourly pieces in
    int_gpu_fleet_line_items_hourly = the FOCUS line's EffectiveCost and BilledCost (|Δ| ≤ tolerance), and no
    piece falls outside the line's charge period. -#}

with

pieces as (

    select
        provider,
        source_line_id,
        min(hour_start) as first_hour,
        max(hour_start) as last_hour,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('int_gpu_fleet_line_items_hourly') }}
    group by provider, source_line_id

),

focus_rows as (

    select
        x_source_provider as provider,
        x_source_line_id as source_line_id,
        {{ dbt.date_trunc('hour', 'ChargePeriodStart') }} as charge_period_start,
        ChargePeriodEnd as charge_period_end,
        EffectiveCost as effective_cost,
        BilledCost as billed_cost
    from {{ ref('focus_cost_and_usage') }}
    where coalesce(CommitmentDiscountStatus, 'Used') <> 'Unused'

),

compared as (

    select
        pieces.provider,
        pieces.source_line_id,
        pieces.first_hour,
        pieces.last_hour,
        focus_rows.charge_period_start,
        focus_rows.charge_period_end,
        pieces.effective_cost as spread_effective_cost,
        focus_rows.effective_cost as line_effective_cost,
        pieces.billed_cost as spread_billed_cost,
        focus_rows.billed_cost as line_billed_cost
    from pieces
    left join focus_rows
        on
            pieces.provider = focus_rows.provider
            and pieces.source_line_id = focus_rows.source_line_id

)

select *
from compared
where
    line_effective_cost is null
    or abs(spread_effective_cost - line_effective_cost) > {{ var('reconciliation_tolerance', 0.01) }}
    or abs(spread_billed_cost - line_billed_cost) > {{ var('reconciliation_tolerance', 0.01) }}
    or first_hour < charge_period_start
    or last_hour >= charge_period_end
