"""The landed shape of Prometheus telemetry (kube-state-metrics and DCGM exporter), pre-aggregated to the hour.

Landing layout (replacement unit: cluster x UTC day, per kind):

    <raw_root>/telemetry/k8s/cluster=<c>/day=<YYYY-MM-DD>/delivery=<id>/{nodes,pod_resource_requests,pod_labels}.parquet
    <raw_root>/telemetry/dcgm/cluster=<c>/day=<YYYY-MM-DD>/delivery=<id>/gpu_metrics.parquet

Every table carries the lineage columns `_delivery_id`, `_source_file` (comma-separated files the hour was
read from) and `_loaded_at` (UTC, stamped at ingest). Raw views: `raw_telemetry.<view_name>`
(ai_finops.ingest.views); dbt sources `k8s` and `dcgm` point at them.
"""

from __future__ import annotations

from ai_finops.ingest.telemetry import TelemetryTable, register

KEY_NAMES = ("cluster", "day")

K8S_NODES = TelemetryTable(
    folder="k8s",
    file_name="nodes.parquet",
    view_name="k8s_nodes_hourly",
    key_names=KEY_NAMES,
    columns={
        "cluster": "VARCHAR",
        "node": "VARCHAR",
        "provider": "VARCHAR",  # aws | azure | gcp, from the providerID scheme
        "provider_id": "VARCHAR",  # kube_node_info provider_id (spec.providerID)
        "resource_id": "VARCHAR",  # the node's instance: EC2 id, VMSS instance id (lower-cased), GCE name
        "billed_resource_id": "VARCHAR",  # what the bill's ResourceId holds: Azure bills the scale set
        "instance_type": "VARCHAR",  # label node.kubernetes.io/instance-type (or beta.kubernetes.io/…)
        "gpu_product": "VARCHAR",  # label nvidia.com/gpu.product
        "gpu_count_label": "BIGINT",  # label nvidia.com/gpu.count
        "gpu_capacity": "DOUBLE",  # kube_node_status_capacity{resource="nvidia_com_gpu"} (hour mean)
        "gpu_replicas_label": "BIGINT",  # label nvidia.com/gpu.replicas
        "gpu_sharing_strategy_label": "VARCHAR",  # label nvidia.com/gpu.sharing-strategy
        "mig_strategy_label": "VARCHAR",  # label nvidia.com/mig.strategy
        "cpu_capacity_cores": "DOUBLE",  # kube_node_status_capacity{resource="cpu"}
        "memory_capacity_bytes": "DOUBLE",  # kube_node_status_capacity{resource="memory"}
        "labels": "VARCHAR",  # JSON object of every kube_node_labels label_* (prefix removed), latest
        "hour_start": "TIMESTAMP",
        "sample_count": "BIGINT",  # scrape slots of kube_node_info seen in the hour
        "seconds_observed": "DOUBLE",  # sample_count x scrape step, at most 3600
    },
)

K8S_POD_REQUESTS = TelemetryTable(
    folder="k8s",
    file_name="pod_resource_requests.parquet",
    view_name="k8s_pod_resource_requests_hourly",
    key_names=KEY_NAMES,
    columns={
        "cluster": "VARCHAR",
        "provider": "VARCHAR",  # from the providerID scheme of the cluster's nodes
        "node": "VARCHAR",
        "namespace": "VARCHAR",
        "pod": "VARCHAR",
        "pod_uid": "VARCHAR",
        "container": "VARCHAR",
        "resource": "VARCHAR",  # kube-state-metrics resource label: nvidia_com_gpu, cpu, memory, ...
        "unit": "VARCHAR",  # integer | core | byte
        "requested_avg": "DOUBLE",  # mean of the request over the slots observed in the hour
        "hour_start": "TIMESTAMP",
        "sample_count": "BIGINT",
        "seconds_observed": "DOUBLE",
    },
)

K8S_POD_LABELS = TelemetryTable(
    folder="k8s",
    file_name="pod_labels.parquet",
    view_name="k8s_pod_labels",
    key_names=KEY_NAMES,
    columns={
        "cluster": "VARCHAR",
        "provider": "VARCHAR",
        "namespace": "VARCHAR",
        "pod": "VARCHAR",
        "pod_uid": "VARCHAR",
        "node": "VARCHAR",  # kube_pod_info node
        "labels": "VARCHAR",  # JSON object of kube_pod_labels label_* (prefix removed); '{}' when none
        "owner_kind": "VARCHAR",  # kube_pod_info created_by_kind (kube_pod_owner owner_kind)
        "owner_name": "VARCHAR",
        "first_seen": "TIMESTAMP",
        "last_seen": "TIMESTAMP",
    },
)

DCGM_GPU_METRICS = TelemetryTable(
    folder="dcgm",
    file_name="gpu_metrics.parquet",
    view_name="dcgm_gpu_metrics_hourly",
    key_names=KEY_NAMES,
    columns={
        "cluster": "VARCHAR",
        "provider": "VARCHAR",
        "hostname": "VARCHAR",  # the exporter's `hostname` label (dcgm-exporter after #655)
        "hostname_legacy": "VARCHAR",  # the exporter's older `Hostname` label
        "gpu_uuid": "VARCHAR",  # UUID
        "gpu_index": "VARCHAR",  # gpu
        "model_name": "VARCHAR",  # modelName
        "gpu_instance_id": "VARCHAR",  # GPU_I_ID (MIG)
        "gpu_instance_profile": "VARCHAR",  # GPU_I_PROFILE (MIG)
        "namespace": "VARCHAR",  # namespace (or pod_namespace)
        "pod": "VARCHAR",  # pod (or pod_name)
        "container": "VARCHAR",  # container (or container_name)
        "hour_start": "TIMESTAMP",
        "sample_count": "BIGINT",  # scrape slots with at least one metric in the hour
        "seconds_observed": "DOUBLE",
        "gpu_util_avg": "DOUBLE",  # DCGM_FI_DEV_GPU_UTIL, percent
        "fb_used_mib_avg": "DOUBLE",  # DCGM_FI_DEV_FB_USED, MiB
        "fb_free_mib_avg": "DOUBLE",  # DCGM_FI_DEV_FB_FREE, MiB
        "gr_engine_active_avg": "DOUBLE",  # DCGM_FI_PROF_GR_ENGINE_ACTIVE, ratio
        "sm_active_avg": "DOUBLE",  # DCGM_FI_PROF_SM_ACTIVE, ratio
    },
)

TABLES: tuple[TelemetryTable, ...] = (K8S_NODES, K8S_POD_REQUESTS, K8S_POD_LABELS, DCGM_GPU_METRICS)

register(*TABLES)
