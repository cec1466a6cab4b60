{#- GPU instance cost allocated to Kubernetes workloads, in the allocation row shape (docs/telemetry_contract.md).
    One row per FOCUS line × UTC hour (int_gpu_fleet_line_items_hourly) × workload × cost class × allocation
    method. Each resource-hour is split into shares that sum to 1, then every line of the hour is split by them,
    EffectiveCost and BilledCost alike; the remainder row (idle or unallocated) takes what the rounded shares
    leave, so the rows of a line sum to the line exactly.
    - AWS EKS split cost allocation (int_aws__cur_split_cost_line_items) where the parent instance has split rows
      that hour (`aws_scad`): each split row's split_cost / the instance-hour's EffectiveCost; split_unused_cost
      (and any rounding left) is idle. Telemetry is not used for those hours, so nothing is counted twice.
    - Otherwise, where Kubernetes saw the node: the node's cost splits into a GPU, a vCPU and a memory pool by
      gpu_allocation_weights × the catalog shape (9 : 0.9 : 0.1 per GPU : vCPU : GiB). GPU pool per GPU-hour:
      exclusive by request (`exclusive_request`), MIG by slice (`mig_slice`), time-sliced / MPS by the per-pod
      GPU_UTIL share of the physical GPU when reported (`time_sliced_by_use` / `mps_by_use`), else by replica
      (`time_sliced_even` / `mps_even`); vCPU and memory pools by requested core-hours and GiB-hours
      (`exclusive_request`). Requests above capacity are scaled down to capacity. Capacity nobody requested is
      `idle` (`idle_capacity`).
    - A plain GPU VM (never seen by Kubernetes, no Kubernetes cluster tag, no split rows) whose tags name a team
      (through tag_key_aliases): the whole instance-hour goes to workload `vm:<ResourceId>` (`gpu`, method `tag`),
      with the tags' team, model and run id, the class from a `workload` tag naming one, else `unclassified`;
      GPU-hours allocated = GPUs × instance-hours, used unknown.
    - Any other resource-hour with neither is `unallocated` (`no_telemetry`), with the team from the resource's
      tags. -#}

{{ config(materialized='table') }}

with

line_items_hourly as (

    select * from {{ ref('int_gpu_fleet_line_items_hourly') }}

),

fleet_hourly as (

    select * from {{ ref('int_gpu_fleet_hourly') }}

),

workload_usage as (

    select * from {{ ref('int_k8s_workload_gpu_usage_hourly') }}

),

pod_labels as (

    select * from {{ ref('stg_k8s__pod_labels') }}

),

split_cost_line_items as (

    select * from {{ ref('int_aws__cur_split_cost_line_items') }}

),

allocation_weights as (

    select * from {{ ref('gpu_allocation_weights') }}

),

tag_key_aliases as (

    select * from {{ ref('tag_key_aliases') }}

),

{# Team, model, workload and MLflow run id of every label / tag set involved, through the canonical keys of
    tag_key_aliases (CUR 2.0 `user_team`, Azure `Team`, GCP / Kubernetes `team`, ...; lowest priority wins). #}
json_texts as (

    select pod_labels.labels as json_text
    from pod_labels
    where pod_labels.labels is not null

    union all

    select split_cost_line_items.tags as json_text
    from split_cost_line_items
    where split_cost_line_items.tags is not null

    union all

    select fleet_hourly.tags as json_text
    from fleet_hourly
    where fleet_hourly.tags is not null

),

distinct_json_texts as (

    select json_text
    from json_texts
    group by json_text

),

alias_values as (

    select
        distinct_json_texts.json_text,
        tag_key_aliases.canonical_key,
        trim({{ json_text_value('distinct_json_texts.json_text', 'tag_key_aliases.raw_key') }}) as tag_value,
        row_number() over (
            partition by distinct_json_texts.json_text, tag_key_aliases.canonical_key
            order by
                case
                    when
                        {{ json_text_value('distinct_json_texts.json_text', 'tag_key_aliases.raw_key') }} is null
                        or trim({{ json_text_value('distinct_json_texts.json_text', 'tag_key_aliases.raw_key') }}) = ''
                        then 1
                    else 0
                end,
                tag_key_aliases.priority
        ) as preference
    from distinct_json_texts
    cross join tag_key_aliases
    where tag_key_aliases.canonical_key in ('team', 'model', 'workload', 'mlflow_run_id')

),

canonical_values as (

    select
        json_text,
        max(case when canonical_key = 'team' then tag_value end) as team,
        max(case when canonical_key = 'model' then tag_value end) as model_name,
        max(case when canonical_key = 'workload' then tag_value end) as workload,
        max(case when canonical_key = 'mlflow_run_id' then tag_value end) as run_id
    from alias_values
    where preference = 1 and tag_value <> ''
    group by json_text

),

{# Pod attributes: canonical team, model and run id from the pod's labels; workload from the owner
    (kube_pod_owner: the ReplicaSet, Job, StatefulSet, ...; the pod itself without one); the declared class from a
    `workload` label naming a class, notebook labels, else the owner kind (Job → training, Deployment →
    inference). #}
pods as (

    select
        pod_labels.cluster,
        pod_labels.pod_uid,
        pod_labels.namespace,
        pod_labels.pod,
        pod_labels.owner_kind,
        pod_labels.owner_name as owner_workload,
        canonical_values.team,
        canonical_values.model_name,
        canonical_values.run_id,
        {{ json_text_value('pod_labels.labels', "'mlflow-experiment-name'") }} as experiment_name,
        case
            when canonical_values.workload in ('training', 'inference', 'experimentation', 'notebook')
                then canonical_values.workload
            when
                {{ json_text_value('pod_labels.labels', "'notebook-name'") }} is not null
                {# kube-state-metrics writes the label `notebook-name` as label_notebook_name #}
                or {{ json_text_value('pod_labels.labels', "'notebook_name'") }} is not null
                or {{ json_text_value('pod_labels.labels', "'component'") }} = 'singleuser-server'
                then 'notebook'
            when pod_labels.owner_kind in ('Job', 'CronJob') then 'training'
            when pod_labels.owner_kind in ('ReplicaSet', 'Deployment') then 'inference'
        end as workload_class
    from pod_labels
    left join canonical_values
        on pod_labels.labels = canonical_values.json_text

),

fleet as (

    select
        fleet_hourly.*,
        coalesce(provider_weights.gpu_weight, default_weights.gpu_weight) as gpu_weight,
        coalesce(provider_weights.vcpu_weight, default_weights.vcpu_weight) as vcpu_weight,
        coalesce(provider_weights.memory_gib_weight, default_weights.memory_gib_weight) as memory_gib_weight
    from fleet_hourly
    left join allocation_weights as provider_weights
        on fleet_hourly.provider = provider_weights.provider
    left join allocation_weights as default_weights
        on default_weights.provider = 'default'

),

{# Share of the node's cost one GPU-hour, vCPU-hour and GiB-hour carry. #}
fleet_units as (

    select
        fleet.*,
        fleet.gpu_weight / (
            (
                fleet.gpu_weight * fleet.gpu_count + fleet.vcpu_weight * fleet.vcpu
                + fleet.memory_gib_weight * fleet.memory_gib
            ) * fleet.instance_hours
        ) as gpu_hour_share,
        fleet.vcpu_weight / (
            (
                fleet.gpu_weight * fleet.gpu_count + fleet.vcpu_weight * fleet.vcpu
                + fleet.memory_gib_weight * fleet.memory_gib
            ) * fleet.instance_hours
        ) as vcpu_hour_share,
        fleet.memory_gib_weight / (
            (
                fleet.gpu_weight * fleet.gpu_count + fleet.vcpu_weight * fleet.vcpu
                + fleet.memory_gib_weight * fleet.memory_gib
            ) * fleet.instance_hours
        ) as memory_gib_hour_share
    from fleet

),

split_rows as (

    select
        split_cost_line_items.*,
        {{ dbt.date_trunc('hour', 'split_cost_line_items.charge_period_start') }} as hour_start
    from split_cost_line_items

),

scad_resource_hours as (

    select
        fleet_units.resource_hour_id,
        sum(split_rows.split_cost) as split_cost,
        sum(
            case
                when lower(split_rows.usage_type) like '%gpu%' then split_rows.split_usage_ratio * fleet_units.gpu_count
                else 0
            end
        ) as gpu_hours_split
    from fleet_units
    inner join split_rows
        on
            fleet_units.provider = 'aws'
            and fleet_units.resource_id = split_rows.split_parent_resource_id
            and fleet_units.hour_start = split_rows.hour_start
    group by fleet_units.resource_hour_id

),

scad_targets as (

    select
        fleet_units.resource_hour_id,
        split_rows.source_line_id as target_id,
        {{ dbt.concat([
            "'k8s:'", dbt.split_part('split_rows.resource_id', "'/'", 2), "'/'",
            dbt.split_part('split_rows.resource_id', "'/'", 3), "'/'",
            "coalesce(pods.owner_workload, " ~ json_text_value('split_rows.tags', "'aws_eks_workload_name'") ~ ", "
            ~ json_text_value('split_rows.tags', "'aws_eks_deployment'") ~ ", "
            ~ dbt.split_part('split_rows.resource_id', "'/'", 4) ~ ")",
        ]) }} as workload_key,
        coalesce(
            pods.workload_class,
            case
                when split_tags.workload in ('training', 'inference', 'experimentation', 'notebook')
                    then split_tags.workload
                when {{ json_text_value('split_rows.tags', "'aws_eks_workload_type'") }} in ('Job', 'CronJob')
                    then 'training'
                when {{ json_text_value('split_rows.tags', "'aws_eks_workload_type'") }} in ('ReplicaSet', 'Deployment')
                    then 'inference'
            end,
            'unclassified'
        ) as workload_class,
        coalesce(pods.team, split_tags.team) as team,
        coalesce(pods.model_name, split_tags.model_name) as model_name,
        coalesce(pods.run_id, split_tags.run_id) as run_id,
        pods.experiment_name,
        case
            when lower(split_rows.usage_type) like '%gpu%' then 'gpu'
            when lower(split_rows.usage_type) like '%vcpu%' then 'cpu'
            else 'memory'
        end as cost_class,
        'aws_scad' as allocation_method,
        {{ dbt.cast(
            'case when fleet_units.effective_cost <> 0 then split_rows.split_cost / fleet_units.effective_cost else 0 end',
            type_double()
        ) }} as cost_share,
        case
            when lower(split_rows.usage_type) like '%gpu%' then split_rows.split_usage_ratio * fleet_units.gpu_count
        end as gpu_hours_allocated,
        {{ dbt.cast('null', type_double()) }} as gpu_hours_used,
        false as is_remainder
    from fleet_units
    inner join split_rows
        on
            fleet_units.provider = 'aws'
            and fleet_units.resource_id = split_rows.split_parent_resource_id
            and fleet_units.hour_start = split_rows.hour_start
    left join canonical_values as split_tags
        on split_rows.tags = split_tags.json_text
    left join pods
        on
            {{ dbt.split_part('split_rows.resource_id', "'/'", 2) }} = pods.cluster
            and {{ dbt.split_part('split_rows.resource_id', "'/'", 5) }} = pods.pod_uid

),

{# Kubernetes telemetry, on resource-hours without split rows. #}
pod_hours as (

    select
        fleet_units.resource_hour_id,
        fleet_units.gpu_count * fleet_units.instance_hours as gpu_capacity_hours,
        fleet_units.vcpu * fleet_units.instance_hours as vcpu_capacity_hours,
        fleet_units.memory_gib * fleet_units.instance_hours as memory_gib_capacity_hours,
        fleet_units.gpu_hour_share,
        fleet_units.vcpu_hour_share,
        fleet_units.memory_gib_hour_share,
        workload_usage.cluster,
        workload_usage.namespace,
        workload_usage.pod,
        workload_usage.pod_uid,
        workload_usage.gpu_sharing_mode,
        workload_usage.gpu_hours_allocated,
        workload_usage.gpu_hours_used,
        case
            when workload_usage.gpu_sharing_mode in ('time_slicing', 'mps')
                then coalesce(workload_usage.gpu_hours_by_use, workload_usage.gpu_hours_allocated)
            else workload_usage.gpu_hours_allocated
        end as gpu_cost_hours,
        case
            when workload_usage.gpu_sharing_mode = 'exclusive' then 'exclusive_request'
            when workload_usage.gpu_sharing_mode = 'mig' then 'mig_slice'
            when workload_usage.gpu_sharing_mode = 'time_slicing' and workload_usage.gpu_hours_by_use is not null
                then 'time_sliced_by_use'
            when workload_usage.gpu_sharing_mode = 'time_slicing' then 'time_sliced_even'
            when workload_usage.gpu_sharing_mode = 'mps' and workload_usage.gpu_hours_by_use is not null
                then 'mps_by_use'
            when workload_usage.gpu_sharing_mode = 'mps' then 'mps_even'
        end as gpu_allocation_method,
        workload_usage.vcpu_hours,
        workload_usage.memory_gib_hours
    from fleet_units
    inner join workload_usage
        on
            fleet_units.provider = workload_usage.provider
            and fleet_units.telemetry_resource_key = lower(workload_usage.billed_resource_id)
            and fleet_units.hour_start = workload_usage.hour_start
    left join scad_resource_hours
        on fleet_units.resource_hour_id = scad_resource_hours.resource_hour_id
    where scad_resource_hours.resource_hour_id is null

),

{# Requests above capacity (bad telemetry) are scaled down to capacity, so idle never goes negative. #}
requested_totals as (

    select
        resource_hour_id,
        sum(gpu_cost_hours) as gpu_cost_hours,
        sum(vcpu_hours) as vcpu_hours,
        sum(memory_gib_hours) as memory_gib_hours
    from pod_hours
    group by resource_hour_id

),

pod_shares as (

    select
        pod_hours.*,
        case
            when requested_totals.gpu_cost_hours > pod_hours.gpu_capacity_hours
                then pod_hours.gpu_capacity_hours / requested_totals.gpu_cost_hours
            else 1
        end as gpu_scale,
        case
            when requested_totals.vcpu_hours > pod_hours.vcpu_capacity_hours
                then pod_hours.vcpu_capacity_hours / requested_totals.vcpu_hours
            else 1
        end as vcpu_scale,
        case
            when requested_totals.memory_gib_hours > pod_hours.memory_gib_capacity_hours
                then pod_hours.memory_gib_capacity_hours / requested_totals.memory_gib_hours
            else 1
        end as memory_gib_scale
    from pod_hours
    inner join requested_totals
        on pod_hours.resource_hour_id = requested_totals.resource_hour_id

),

pod_pools as (

    select
        pod_shares.*,
        'gpu' as cost_class,
        pod_shares.gpu_allocation_method as allocation_method,
        pod_shares.gpu_hour_share * pod_shares.gpu_cost_hours * pod_shares.gpu_scale as cost_share
    from pod_shares
    where pod_shares.gpu_sharing_mode is not null

    union all

    select
        pod_shares.*,
        'cpu' as cost_class,
        'exclusive_request' as allocation_method,
        pod_shares.vcpu_hour_share * pod_shares.vcpu_hours * pod_shares.vcpu_scale as cost_share
    from pod_shares
    where pod_shares.vcpu_hours > 0

    union all

    select
        pod_shares.*,
        'memory' as cost_class,
        'exclusive_request' as allocation_method,
        pod_shares.memory_gib_hour_share * pod_shares.memory_gib_hours * pod_shares.memory_gib_scale as cost_share
    from pod_shares
    where pod_shares.memory_gib_hours > 0

),

pod_targets as (

    select
        pod_pools.resource_hour_id,
        {{ dbt.concat(['pod_pools.pod_uid', "'|'", 'pod_pools.cost_class']) }} as target_id,
        {{ dbt.concat([
            "'k8s:'", 'pod_pools.cluster', "'/'", 'pod_pools.namespace', "'/'",
            'coalesce(pods.owner_workload, pod_pools.pod)',
        ]) }} as workload_key,
        coalesce(pods.workload_class, 'unclassified') as workload_class,
        pods.team,
        pods.model_name,
        pods.run_id,
        pods.experiment_name,
        pod_pools.cost_class,
        pod_pools.allocation_method,
        {{ dbt.cast('pod_pools.cost_share', type_double()) }} as cost_share,
        {# requests above capacity were scaled down: so are their GPU-hours #}
        case
            when pod_pools.cost_class = 'gpu' then pod_pools.gpu_hours_allocated * pod_pools.gpu_scale
        end as gpu_hours_allocated,
        case when pod_pools.cost_class = 'gpu' then pod_pools.gpu_hours_used end as gpu_hours_used,
        false as is_remainder
    from pod_pools
    left join pods
        on
            pod_pools.cluster = pods.cluster
            and pod_pools.pod_uid = pods.pod_uid

),

pod_scales as (

    select
        resource_hour_id,
        max(gpu_scale) as gpu_scale
    from pod_shares
    group by resource_hour_id

),

{# Resources that are Kubernetes nodes: seen by telemetry in any hour, parents of split rows, or tagged by the
    managed Kubernetes service (EKS, AKS, GKE). Their hours without telemetry stay unallocated. #}
kubernetes_resources as (

    select fleet_units.resource_id
    from fleet_units
    where
        fleet_units.has_telemetry
        or {{ json_text_value('fleet_units.tags', "'aws_eks_cluster_name'") }} is not null
        or {{ json_text_value('fleet_units.tags', "'user_eks_cluster_name'") }} is not null
        or {{ json_text_value('fleet_units.tags', "'aks-managed-cluster-name'") }} is not null
        or {{ json_text_value('fleet_units.tags', "'goog-k8s-cluster-name'") }} is not null
    group by fleet_units.resource_id

    union all

    select split_rows.split_parent_resource_id as resource_id
    from split_rows
    group by split_rows.split_parent_resource_id

),

kubernetes_resource_ids as (

    select resource_id
    from kubernetes_resources
    group by resource_id

),

{# Resource-hours of tagged plain GPU VMs: allocated whole to the workload their tags name. #}
tagged_vm_hours as (

    select
        fleet_units.resource_hour_id,
        fleet_tags.team,
        fleet_tags.model_name,
        fleet_tags.run_id,
        case
            when fleet_tags.workload in ('training', 'inference', 'experimentation', 'notebook')
                then fleet_tags.workload
            else 'unclassified'
        end as workload_class
    from fleet_units
    inner join canonical_values as fleet_tags
        on fleet_units.tags = fleet_tags.json_text
    left join scad_resource_hours
        on fleet_units.resource_hour_id = scad_resource_hours.resource_hour_id
    left join kubernetes_resource_ids
        on fleet_units.resource_id = kubernetes_resource_ids.resource_id
    where
        scad_resource_hours.resource_hour_id is null
        and kubernetes_resource_ids.resource_id is null
        and not fleet_units.has_telemetry
        and not fleet_units.is_unused_reservation
        and fleet_tags.team is not null

),

{# The remainder of every resource-hour: idle capacity where telemetry or split rows exist, the tagged workload
    of a plain GPU VM, else unallocated. #}
remainder_targets as (

    select
        fleet_units.resource_hour_id,
        'remainder' as target_id,
        case
            when tagged_vm_hours.resource_hour_id is not null
                then {{ dbt.concat(["'vm:'", 'fleet_units.resource_id']) }}
        end as workload_key,
        tagged_vm_hours.workload_class,
        case
            when
                scad_resource_hours.resource_hour_id is null
                and not fleet_units.has_telemetry
                and not fleet_units.is_unused_reservation
                then fleet_tags.team
        end as team,
        tagged_vm_hours.model_name,
        tagged_vm_hours.run_id,
        {{ dbt.cast('null', dbt.type_string()) }} as experiment_name,
        case
            when tagged_vm_hours.resource_hour_id is not null then 'gpu'
            when
                scad_resource_hours.resource_hour_id is not null
                or fleet_units.has_telemetry
                or fleet_units.is_unused_reservation
                then 'idle'
            else 'unallocated'
        end as cost_class,
        case
            when tagged_vm_hours.resource_hour_id is not null then 'tag'
            when
                scad_resource_hours.resource_hour_id is not null
                or fleet_units.has_telemetry
                or fleet_units.is_unused_reservation
                then 'idle_capacity'
            else 'no_telemetry'
        end as allocation_method,
        {{ dbt.cast('null', type_double()) }} as cost_share,
        case
            when scad_resource_hours.resource_hour_id is not null
                then greatest(fleet_units.gpu_count - scad_resource_hours.gpu_hours_split, 0)
            when fleet_units.has_telemetry
                then fleet_units.gpu_hours_capacity - coalesce(requested_totals.gpu_cost_hours * pod_scales.gpu_scale, 0)
            else fleet_units.gpu_hours_capacity
        end as gpu_hours_allocated,
        {{ dbt.cast('null', type_double()) }} as gpu_hours_used,
        true as is_remainder
    from fleet_units
    left join scad_resource_hours
        on fleet_units.resource_hour_id = scad_resource_hours.resource_hour_id
    left join requested_totals
        on
            fleet_units.resource_hour_id = requested_totals.resource_hour_id
            and scad_resource_hours.resource_hour_id is null
    left join pod_scales
        on fleet_units.resource_hour_id = pod_scales.resource_hour_id
    left join canonical_values as fleet_tags
        on fleet_units.tags = fleet_tags.json_text
    left join tagged_vm_hours
        on fleet_units.resource_hour_id = tagged_vm_hours.resource_hour_id

),

targets as (

    select * from scad_targets
    union all
    select * from pod_targets
    union all
    select * from remainder_targets

),

{# Every line of the resource-hour, split by the targets' shares; GPU-hours go on the hour's first line only. #}
line_targets as (

    select
        line_items_hourly.provider,
        line_items_hourly.billing_account_id,
        line_items_hourly.sub_account_id,
        line_items_hourly.billing_period_start,
        line_items_hourly.billing_currency,
        line_items_hourly.charge_date,
        line_items_hourly.hour_start,
        line_items_hourly.resource_id,
        line_items_hourly.source_line_id,
        line_items_hourly.x_hour_basis,
        line_items_hourly.effective_cost as line_effective_cost,
        line_items_hourly.billed_cost as line_billed_cost,
        row_number() over (
            partition by line_items_hourly.resource_hour_id, targets.target_id
            order by line_items_hourly.source_line_id
        ) as line_rank,
        targets.*,
        case
            when not targets.is_remainder
                then {{ to_money('line_items_hourly.effective_cost * targets.cost_share') }}
        end as allocated_effective_cost,
        case
            when not targets.is_remainder
                then {{ to_money('line_items_hourly.billed_cost * targets.cost_share') }}
        end as allocated_billed_cost
    from line_items_hourly
    inner join targets
        on line_items_hourly.resource_hour_id = targets.resource_hour_id

),

allocated as (

    select
        line_targets.*,
        case
            when line_targets.is_remainder
                then line_targets.line_effective_cost - coalesce(
                    sum(line_targets.allocated_effective_cost) over (
                        partition by line_targets.resource_hour_id, line_targets.source_line_id
                    ),
                    0
                )
            else line_targets.allocated_effective_cost
        end as effective_cost,
        case
            when line_targets.is_remainder
                then line_targets.line_billed_cost - coalesce(
                    sum(line_targets.allocated_billed_cost) over (
                        partition by line_targets.resource_hour_id, line_targets.source_line_id
                    ),
                    0
                )
            else line_targets.allocated_billed_cost
        end as billed_cost
    from line_targets

),

allocation_rows as (

    select
        provider,
        billing_account_id,
        sub_account_id,
        billing_period_start,
        billing_currency,
        charge_date,
        hour_start,
        resource_id,
        source_line_id,
        workload_key,
        workload_class,
        team,
        model_name,
        run_id,
        experiment_name,
        cost_class,
        allocation_method,
        x_hour_basis,
        {{ to_money('sum(case when line_rank = 1 then gpu_hours_allocated end)') }} as gpu_hours_allocated,
        {{ to_money('sum(case when line_rank = 1 then gpu_hours_used end)') }} as gpu_hours_used,
        sum(effective_cost) as effective_cost,
        sum(billed_cost) as billed_cost
    from allocated
    group by
        provider,
        billing_account_id,
        sub_account_id,
        billing_period_start,
        billing_currency,
        charge_date,
        hour_start,
        resource_id,
        source_line_id,
        workload_key,
        workload_class,
        team,
        model_name,
        run_id,
        experiment_name,
        cost_class,
        allocation_method,
        x_hour_basis

)

select * from allocation_rows
