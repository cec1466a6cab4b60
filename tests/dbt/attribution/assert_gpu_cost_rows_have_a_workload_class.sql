{#- Every cost row of a workload, and every GPU cost row, carries a workload class (`unclassified` counts: it is
    the explicit flag); idle, unallocated and unattributed rows hold no workload and carry none. -#}

select *
from {{ ref('int_workload_costs_unioned') }}
where
    (workload_key is not null or cost_class in ('gpu', 'managed_service'))
    and workload_class is null
