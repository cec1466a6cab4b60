{#- EKS / ECS split rows re-state their parent instance's cost; AWS bills them at 0. A non-zero one would
    be double counted if excluded, or lost if kept: either way the rule that excludes them would be wrong. -#}

select
    source_line_id,
    split_parent_resource_id,
    unblended_cost
from {{ ref('int_aws__cur_split_cost_line_items') }}
where unblended_cost <> 0 or exclusion_reason is null
