{#- Per GPU resource × billing account × day: allocated + idle + unallocated rows of int_gpu_costs_allocated_to_workloads
    sum to the resource's cost in int_gpu_fleet_hourly, EffectiveCost and BilledCost alike (|Δ| ≤ tolerance). A
    resource-day on one side only fails too. -#}

with

allocated as (

    select
        provider,
        billing_account_id,
        resource_id,
        charge_date,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('int_gpu_costs_allocated_to_workloads') }}
    group by provider, billing_account_id, resource_id, charge_date

),

fleet as (

    select
        provider,
        billing_account_id,
        resource_id,
        charge_date,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from {{ ref('int_gpu_fleet_hourly') }}
    group by provider, billing_account_id, resource_id, charge_date

)

{{ sums_mismatch(
    'fleet',
    'allocated',
    keys=['provider', 'billing_account_id', 'resource_id', 'charge_date'],
    measures=['effective_cost', 'billed_cost'],
    left_label='resource'
) }}
