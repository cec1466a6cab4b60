{#- One row per cluster × node × pod uid × UTC hour a pod held a resource request on a node: what it was
    allocated (requests × seconds held / 3600) and what it used, in GPU-hours, vCPU-hours and GiB-hours.
    GPU sharing mode of a request:
    - `mig`: resource `nvidia_com_mig_<profile>`; one instance = max(compute slices / 7, memory slices / 8) of a
      GPU (mig_profiles, by the node's catalog GPU model; compute slices / 7 from the profile name otherwise);
    - `time_slicing` / `mps`: resource `nvidia_com_gpu_shared`, or `nvidia_com_gpu` on a node that shares its
      GPUs (time-slicing / MPS labels) and advertises no renamed `nvidia_com_gpu_shared`; one replica =
      1 / nvidia.com/gpu.replicas of a GPU;
    - `exclusive`: `nvidia_com_gpu` otherwise; one request = one GPU.
    MIG instances whose shares on one physical GPU sum above 1 (e.g. 3g.40gb + 2g.20gb + 1g.10gb + 1g.10gb on an
    A100: 1/2 + 2/7 + 1/7 + 1/7) are scaled down proportionally so the GPU's allocated shares sum to 1
    (`mig_share_scale`; the instances' GPU comes from DCGM's per-instance series).
    Used GPU-hours: DCGM_FI_PROF_GR_ENGINE_ACTIVE of the pod's devices (× the slice fraction on MIG); per-pod
    DCGM_FI_DEV_GPU_UTIL / 100 for shared GPUs. gpu_hours_by_use: on shared GPUs whose exporter reports per-pod
    GPU_UTIL, the pod's share of each physical GPU it ran on (its GPU_UTIL / Σ GPU_UTIL of the GPU's sharers) ×
    the hours the GPU was observed; null when no per-pod utilisation was reported. -#}

{{ config(materialized='table') }}

with

resource_requests as (

    select * from {{ ref('stg_k8s__pod_resource_requests_hourly') }}

),

nodes_hourly as (

    select * from {{ ref('stg_k8s__nodes_hourly') }}

),

gpu_metrics as (

    select * from {{ ref('stg_dcgm__gpu_metrics_hourly') }}

),

gpu_instance_catalog as (

    select * from {{ ref('gpu_instance_catalog') }}

),

mig_profiles as (

    select * from {{ ref('mig_profiles') }}

),

nodes as (

    select
        nodes_hourly.provider,
        nodes_hourly.cluster,
        nodes_hourly.node,
        nodes_hourly.hour_start,
        max(nodes_hourly.resource_id) as resource_id,
        max(nodes_hourly.billed_resource_id) as billed_resource_id,
        max(nodes_hourly.instance_type) as instance_type,
        max(nodes_hourly.gpu_sharing) as gpu_sharing,
        max(nodes_hourly.gpu_replicas) as gpu_replicas
    from nodes_hourly
    group by nodes_hourly.provider, nodes_hourly.cluster, nodes_hourly.node, nodes_hourly.hour_start

),

renamed_shared_nodes as (

    select
        cluster,
        node,
        hour_start
    from resource_requests
    where resource = 'nvidia_com_gpu_shared'
    group by cluster, node, hour_start

),

request_rows as (

    select
        resource_requests.provider,
        resource_requests.cluster,
        resource_requests.node,
        nodes.resource_id,
        nodes.billed_resource_id,
        nodes.instance_type,
        catalog.gpu_model,
        resource_requests.namespace,
        resource_requests.pod,
        resource_requests.pod_uid,
        resource_requests.hour_start,
        resource_requests.resource,
        resource_requests.mig_profile,
        resource_requests.requested,
        resource_requests.seconds_observed,
        case
            when resource_requests.resource like 'nvidia_com_mig_%' then 'mig'
            when
                resource_requests.resource = 'nvidia_com_gpu_shared'
                or (
                    resource_requests.resource = 'nvidia_com_gpu'
                    and nodes.gpu_sharing in ('time_slicing', 'mps')
                    and renamed_shared_nodes.node is null
                )
                then case when nodes.gpu_sharing = 'mps' then 'mps' else 'time_slicing' end
            when resource_requests.resource = 'nvidia_com_gpu' then 'exclusive'
        end as gpu_sharing_mode,
        case
            when resource_requests.resource like 'nvidia_com_mig_%'
                then coalesce(
                    greatest(
                        mig_profiles.compute_slices_of_7 / 7.0,
                        mig_profiles.memory_slices_of_8 / 8.0
                    ),
                    {{ dbt.safe_cast(dbt.split_part('resource_requests.mig_profile', "'g.'", 1), dbt.type_int()) }}
                    / 7.0
                )
            when
                resource_requests.resource = 'nvidia_com_gpu_shared'
                or (
                    resource_requests.resource = 'nvidia_com_gpu'
                    and nodes.gpu_sharing in ('time_slicing', 'mps')
                    and renamed_shared_nodes.node is null
                )
                then 1.0 / greatest(coalesce(nodes.gpu_replicas, 1), 1)
            when resource_requests.resource = 'nvidia_com_gpu' then 1.0
        end as gpu_fraction
    from resource_requests
    left join nodes
        on
            resource_requests.cluster = nodes.cluster
            and resource_requests.node = nodes.node
            and resource_requests.hour_start = nodes.hour_start
    left join renamed_shared_nodes
        on
            resource_requests.cluster = renamed_shared_nodes.cluster
            and resource_requests.node = renamed_shared_nodes.node
            and resource_requests.hour_start = renamed_shared_nodes.hour_start
    left join gpu_instance_catalog as catalog
        on
            resource_requests.provider = catalog.provider
            and nodes.instance_type = catalog.instance_type
    left join mig_profiles
        on
            catalog.gpu_model = mig_profiles.gpu_model
            and resource_requests.mig_profile = mig_profiles.profile

),

pods as (

    select
        provider,
        cluster,
        node,
        max(resource_id) as resource_id,
        max(billed_resource_id) as billed_resource_id,
        max(instance_type) as instance_type,
        max(gpu_model) as gpu_model,
        namespace,
        pod,
        pod_uid,
        hour_start,
        max(seconds_observed) as seconds_observed,
        max(gpu_sharing_mode) as gpu_sharing_mode,
        max(mig_profile) as mig_profile,
        max(gpu_fraction) as gpu_fraction,
        sum(case when gpu_sharing_mode is not null then requested else 0 end) as gpu_requested,
        sum(
            case when gpu_sharing_mode is not null then requested * gpu_fraction * seconds_observed / 3600.0 else 0 end
        ) as gpu_hours_allocated,
        sum(case when resource = 'cpu' then requested else 0 end) as vcpu_requested,
        sum(case when resource = 'cpu' then requested * seconds_observed / 3600.0 else 0 end) as vcpu_hours,
        sum(case when resource = 'memory' then requested else 0 end) as memory_gib_requested,
        sum(case when resource = 'memory' then requested * seconds_observed / 3600.0 else 0 end)
            as memory_gib_hours
    from request_rows
    group by provider, cluster, node, namespace, pod, pod_uid, hour_start

),

{# The MIG instances in use on each physical GPU (DCGM series per GPU_I_ID carrying the pod), with their share. #}
mig_instances as (

    select
        gpu_metrics.cluster,
        gpu_metrics.hostname,
        gpu_metrics.gpu_uuid,
        gpu_metrics.gpu_instance_id,
        gpu_metrics.namespace,
        gpu_metrics.pod,
        gpu_metrics.hour_start,
        max(
            coalesce(
                greatest(mig_profiles.compute_slices_of_7 / 7.0, mig_profiles.memory_slices_of_8 / 8.0),
                {{ dbt.safe_cast(dbt.split_part('gpu_metrics.gpu_instance_profile', "'g.'", 1), dbt.type_int()) }}
                / 7.0
            )
        ) as gpu_fraction
    from gpu_metrics
    left join nodes
        on
            gpu_metrics.cluster = nodes.cluster
            and gpu_metrics.hostname = nodes.node
            and gpu_metrics.hour_start = nodes.hour_start
    left join gpu_instance_catalog as catalog
        on
            nodes.provider = catalog.provider
            and nodes.instance_type = catalog.instance_type
    left join mig_profiles
        on
            catalog.gpu_model = mig_profiles.gpu_model
            and gpu_metrics.gpu_instance_profile = mig_profiles.profile
    where
        gpu_metrics.pod is not null
        and gpu_metrics.gpu_instance_profile is not null
    group by
        gpu_metrics.cluster,
        gpu_metrics.hostname,
        gpu_metrics.gpu_uuid,
        gpu_metrics.gpu_instance_id,
        gpu_metrics.namespace,
        gpu_metrics.pod,
        gpu_metrics.hour_start

),

mig_gpus as (

    select
        cluster,
        hostname,
        gpu_uuid,
        hour_start,
        sum(gpu_fraction) as allocated_fraction
    from mig_instances
    group by cluster, hostname, gpu_uuid, hour_start

),

{# Per pod: the scale of its instances' shares (their GPU's cap, weighted by share); 1 when no GPU is over-full.
    A tolerance keeps float sums such as 3 x 2/7 + 1/7 from scaling by 1 - 1e-16. #}
mig_pod_scales as (

    select
        mig_instances.cluster,
        mig_instances.hostname,
        mig_instances.namespace,
        mig_instances.pod,
        mig_instances.hour_start,
        sum(
            mig_instances.gpu_fraction * case
                when mig_gpus.allocated_fraction > 1.000001 then 1.0 / mig_gpus.allocated_fraction
                else 1.0
            end
        ) / nullif(sum(mig_instances.gpu_fraction), 0) as mig_share_scale
    from mig_instances
    inner join mig_gpus
        on
            mig_instances.cluster = mig_gpus.cluster
            and mig_instances.hostname = mig_gpus.hostname
            and mig_instances.gpu_uuid = mig_gpus.gpu_uuid
            and mig_instances.hour_start = mig_gpus.hour_start
    group by
        mig_instances.cluster,
        mig_instances.hostname,
        mig_instances.namespace,
        mig_instances.pod,
        mig_instances.hour_start

),

pod_device_metrics as (

    select
        cluster,
        hostname,
        namespace,
        pod,
        hour_start,
        sum(gr_engine_active_avg * coalesce(seconds_observed, 3600) / 3600.0) as gr_engine_active_hours,
        sum(gpu_util_avg / 100.0 * coalesce(seconds_observed, 3600) / 3600.0) as gpu_util_hours
    from gpu_metrics
    where pod is not null
    group by cluster, hostname, namespace, pod, hour_start

),

{# Sharers of each physical GPU that report per-pod GPU_UTIL. #}
shared_gpu_sharers as (

    select
        gpu_metrics.cluster,
        gpu_metrics.hostname,
        gpu_metrics.gpu_uuid,
        gpu_metrics.namespace,
        gpu_metrics.pod,
        gpu_metrics.hour_start,
        sum(gpu_metrics.gpu_util_avg) as gpu_util,
        max(coalesce(gpu_metrics.seconds_observed, 3600)) as seconds_observed
    from gpu_metrics
    inner join pods
        on
            gpu_metrics.cluster = pods.cluster
            and gpu_metrics.hostname = pods.node
            and gpu_metrics.namespace = pods.namespace
            and gpu_metrics.pod = pods.pod
            and gpu_metrics.hour_start = pods.hour_start
    where
        gpu_metrics.pod is not null
        and gpu_metrics.gpu_util_avg is not null
        and pods.gpu_sharing_mode in ('time_slicing', 'mps')
    group by
        gpu_metrics.cluster,
        gpu_metrics.hostname,
        gpu_metrics.gpu_uuid,
        gpu_metrics.namespace,
        gpu_metrics.pod,
        gpu_metrics.hour_start

),

shared_gpus as (

    select
        cluster,
        hostname,
        gpu_uuid,
        hour_start,
        sum(gpu_util) as gpu_util,
        max(seconds_observed) as seconds_observed
    from shared_gpu_sharers
    group by cluster, hostname, gpu_uuid, hour_start

),

pod_use_shares as (

    select
        shared_gpu_sharers.cluster,
        shared_gpu_sharers.hostname,
        shared_gpu_sharers.namespace,
        shared_gpu_sharers.pod,
        shared_gpu_sharers.hour_start,
        sum(shared_gpu_sharers.gpu_util / nullif(shared_gpus.gpu_util, 0) * shared_gpus.seconds_observed / 3600.0)
            as gpu_hours_by_use
    from shared_gpu_sharers
    inner join shared_gpus
        on
            shared_gpu_sharers.cluster = shared_gpus.cluster
            and shared_gpu_sharers.hostname = shared_gpus.hostname
            and shared_gpu_sharers.gpu_uuid = shared_gpus.gpu_uuid
            and shared_gpu_sharers.hour_start = shared_gpus.hour_start
    where shared_gpus.gpu_util > 0
    group by
        shared_gpu_sharers.cluster,
        shared_gpu_sharers.hostname,
        shared_gpu_sharers.namespace,
        shared_gpu_sharers.pod,
        shared_gpu_sharers.hour_start

),

usage as (

    select
        pods.provider,
        pods.cluster,
        pods.node,
        pods.resource_id,
        pods.billed_resource_id,
        pods.instance_type,
        pods.gpu_model,
        pods.namespace,
        pods.pod,
        pods.pod_uid,
        pods.hour_start,
        pods.seconds_observed,
        pods.gpu_sharing_mode,
        pods.mig_profile,
        pods.gpu_fraction,
        pods.gpu_requested,
        case
            when pods.gpu_sharing_mode = 'mig' then coalesce(mig_pod_scales.mig_share_scale, 1.0)
        end as mig_share_scale,
        case
            when pods.gpu_sharing_mode = 'mig'
                then pods.gpu_hours_allocated * coalesce(mig_pod_scales.mig_share_scale, 1.0)
            else pods.gpu_hours_allocated
        end as gpu_hours_allocated,
        case
            when pods.gpu_sharing_mode in ('time_slicing', 'mps') then pod_use_shares.gpu_hours_by_use
        end as gpu_hours_by_use,
        case
            when pods.gpu_sharing_mode = 'exclusive' then pod_device_metrics.gr_engine_active_hours
            when pods.gpu_sharing_mode = 'mig' then pod_device_metrics.gr_engine_active_hours * pods.gpu_fraction
            when pods.gpu_sharing_mode in ('time_slicing', 'mps') then pod_device_metrics.gpu_util_hours
        end as gpu_hours_used,
        pods.vcpu_requested,
        pods.vcpu_hours,
        pods.memory_gib_requested,
        pods.memory_gib_hours
    from pods
    left join pod_device_metrics
        on
            pods.cluster = pod_device_metrics.cluster
            and pods.node = pod_device_metrics.hostname
            and pods.namespace = pod_device_metrics.namespace
            and pods.pod = pod_device_metrics.pod
            and pods.hour_start = pod_device_metrics.hour_start
    left join pod_use_shares
        on
            pods.cluster = pod_use_shares.cluster
            and pods.node = pod_use_shares.hostname
            and pods.namespace = pod_use_shares.namespace
            and pods.pod = pod_use_shares.pod
            and pods.hour_start = pod_use_shares.hour_start
    left join mig_pod_scales
        on
            pods.cluster = mig_pod_scales.cluster
            and pods.node = mig_pod_scales.hostname
            and pods.namespace = mig_pod_scales.namespace
            and pods.pod = mig_pod_scales.pod
            and pods.hour_start = mig_pod_scales.hour_start

)

select * from usage
