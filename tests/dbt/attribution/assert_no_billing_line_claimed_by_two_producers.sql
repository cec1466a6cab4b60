{#- A FOCUS line is allocated by at most one producer (GPU, managed ML, hidden costs): two would count it twice.
    The account-level gate would catch the excess too; this test names the line and the producers. -#}

with

claims as (

    select
        provider,
        source_line_id,
        'gpu' as producer
    from {{ ref('int_gpu_costs_allocated_to_workloads') }}
    group by provider, source_line_id

    union all

    select
        provider,
        source_line_id,
        'managed_ml' as producer
    from {{ ref('int_managed_ml_costs_allocated_to_workloads') }}
    group by provider, source_line_id

    union all

    select
        provider,
        source_line_id,
        'hidden' as producer
    from {{ ref('int_hidden_costs_allocated_to_workloads') }}
    group by provider, source_line_id

)

select
    provider,
    source_line_id,
    count(*) as producer_count
from claims
group by provider, source_line_id
having count(*) > 1
