"""`ai-finops ingest managed-ml`: land SageMaker, Vertex AI and Azure ML telemetry from the JSON the APIs return.

Six shapes, told apart by their content (not their file names):

| shape | recognised by | lands as (replacement unit) |
| --- | --- | --- |
| SageMaker `DescribeTrainingJob` (object, list, or `{"TrainingJobs": [...]}`) | `TrainingJobArn` | `sagemaker/training_jobs` (account x day of `CreationTime`) |
| CloudWatch `GetMetricData`, request + response saved together | `MetricDataResults` | `sagemaker/endpoint_metrics` (account x day) |
| Vertex AI `CustomJob` (object, list, or `{"customJobs": [...]}`) | `jobSpec` + `name` `…/customJobs/…` | `vertex/custom_jobs` (project x day of `createTime`) |
| Cloud Monitoring `timeSeries.list` | `timeSeries` | `vertex/endpoint_metrics` (project x day) |
| Azure ML `Jobs - List` (`{"value": [...]}`, list, or one job) | `properties.jobType` | `azureml/jobs` (workspace x day of `systemData.createdAt`) |
| Azure Monitor `Metrics - List` | `value[].timeseries` | `azureml/endpoint_metrics` (workspace x day) |

Metrics are aggregated to the UTC hour here, so the warehouse never holds per-minute points. One ingest is
all or nothing: a file that cannot be read is refused with the file, the field and the problem, copied to the
quarantine, and nothing of the ingest lands (what landed before stays).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ai_finops import paths
from ai_finops.errors import IngestError
from ai_finops.ingest import telemetry
from ai_finops.ingest.telemetry import Collected, TelemetryTable, json_text
from ai_finops.landing import quarantine

SAGEMAKER_TRAINING_JOBS = TelemetryTable(
    folder="sagemaker/training_jobs",
    key_names=("account", "day"),
    file_name="training_jobs.parquet",
    view_name="sagemaker_training_jobs",
    columns={
        "account_id": "VARCHAR",
        "region": "VARCHAR",
        "training_job_name": "VARCHAR",
        "training_job_arn": "VARCHAR",
        "training_job_status": "VARCHAR",
        "secondary_status": "VARCHAR",
        "instance_type": "VARCHAR",
        "instance_count": "BIGINT",
        "volume_size_in_gb": "BIGINT",
        "enable_managed_spot_training": "BOOLEAN",
        "training_time_in_seconds": "BIGINT",
        "billable_time_in_seconds": "BIGINT",
        "creation_time": "TIMESTAMP",
        "training_start_time": "TIMESTAMP",
        "training_end_time": "TIMESTAMP",
        "checkpoint_s3_uri": "VARCHAR",
        "experiment_name": "VARCHAR",
        "trial_name": "VARCHAR",
        "hyper_parameters": "VARCHAR",
        "tags": "VARCHAR",
        "document": "VARCHAR",
    },
)
SAGEMAKER_ENDPOINT_METRICS = TelemetryTable(
    folder="sagemaker/endpoint_metrics",
    key_names=("account", "day"),
    file_name="endpoint_metrics_hourly.parquet",
    view_name="sagemaker_endpoint_metrics_hourly",
    columns={
        "account_id": "VARCHAR",
        "region": "VARCHAR",
        "endpoint_name": "VARCHAR",
        "variant_name": "VARCHAR",
        "hour_start": "TIMESTAMP",
        "invocations": "DOUBLE",
        "model_latency_avg_us": "DOUBLE",
        "datapoint_count": "BIGINT",
    },
)
VERTEX_CUSTOM_JOBS = TelemetryTable(
    folder="vertex/custom_jobs",
    key_names=("project", "day"),
    file_name="custom_jobs.parquet",
    view_name="vertex_custom_jobs",
    columns={
        "project_id": "VARCHAR",
        "region": "VARCHAR",
        "job_id": "VARCHAR",
        "job_resource_name": "VARCHAR",
        "display_name": "VARCHAR",
        "state": "VARCHAR",
        "machine_type": "VARCHAR",
        "accelerator_type": "VARCHAR",
        "accelerator_count": "BIGINT",
        "replica_count": "BIGINT",
        "scheduling_strategy": "VARCHAR",
        "create_time": "TIMESTAMP",
        "start_time": "TIMESTAMP",
        "end_time": "TIMESTAMP",
        "labels": "VARCHAR",
        "worker_pool_specs": "VARCHAR",
        "document": "VARCHAR",
    },
)
VERTEX_ENDPOINT_METRICS = TelemetryTable(
    folder="vertex/endpoint_metrics",
    key_names=("project", "day"),
    file_name="endpoint_metrics_hourly.parquet",
    view_name="vertex_endpoint_metrics_hourly",
    columns={
        "project_id": "VARCHAR",
        "region": "VARCHAR",
        "endpoint_id": "VARCHAR",
        "deployed_model_id": "VARCHAR",
        "hour_start": "TIMESTAMP",
        "prediction_count": "DOUBLE",
        "point_count": "BIGINT",
    },
)
AZUREML_JOBS = TelemetryTable(
    folder="azureml/jobs",
    key_names=("workspace", "day"),
    file_name="jobs.parquet",
    view_name="azureml_jobs",
    columns={
        "subscription_id": "VARCHAR",
        "resource_group": "VARCHAR",
        "workspace": "VARCHAR",
        "job_name": "VARCHAR",
        "display_name": "VARCHAR",
        "job_type": "VARCHAR",
        "experiment_name": "VARCHAR",
        "compute_id": "VARCHAR",
        "compute_target": "VARCHAR",
        "instance_type": "VARCHAR",
        "node_count": "BIGINT",
        "status": "VARCHAR",
        "creation_time": "TIMESTAMP",
        "start_time": "TIMESTAMP",
        "end_time": "TIMESTAMP",
        "tags": "VARCHAR",
        "properties": "VARCHAR",
        "document": "VARCHAR",
    },
)
AZUREML_ENDPOINT_METRICS = TelemetryTable(
    folder="azureml/endpoint_metrics",
    key_names=("workspace", "day"),
    file_name="endpoint_metrics_hourly.parquet",
    view_name="azureml_endpoint_metrics_hourly",
    columns={
        "subscription_id": "VARCHAR",
        "resource_group": "VARCHAR",
        "workspace": "VARCHAR",
        "endpoint_name": "VARCHAR",
        "deployment_name": "VARCHAR",
        "hour_start": "TIMESTAMP",
        "requests": "DOUBLE",
        "minute_count": "BIGINT",
    },
)
TABLES = (
    SAGEMAKER_TRAINING_JOBS,
    SAGEMAKER_ENDPOINT_METRICS,
    VERTEX_CUSTOM_JOBS,
    VERTEX_ENDPOINT_METRICS,
    AZUREML_JOBS,
    AZUREML_ENDPOINT_METRICS,
)
telemetry.register(*TABLES)

KINDS = {
    "sagemaker-training-jobs": SAGEMAKER_TRAINING_JOBS,
    "sagemaker-endpoint-metrics": SAGEMAKER_ENDPOINT_METRICS,
    "vertex-custom-jobs": VERTEX_CUSTOM_JOBS,
    "vertex-endpoint-metrics": VERTEX_ENDPOINT_METRICS,
    "azureml-jobs": AZUREML_JOBS,
    "azureml-endpoint-metrics": AZUREML_ENDPOINT_METRICS,
}


# -- reading helpers -----------------------------------------------------------------------------------------


class _Doc:
    """Field access that names the file and the JSON path in every error."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(self, where: str, problem: str) -> IngestError:
        return IngestError(self.file, where, problem)

    def get(self, obj: dict, key: str, where: str, required: bool = True, kind: type | tuple = object):
        if not isinstance(obj, dict):
            raise self.fail(where, f"expected a JSON object, found {type(obj).__name__}")
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f"{where}.{key}".lstrip("."), "missing")
            return None
        value = obj[key]
        if kind is not object and not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(f"{where}.{key}".lstrip("."), f"expected {names}, found {json.dumps(value)[:60]}")
        return value

    def time(self, value, where: str) -> datetime | None:
        """ISO 8601 / RFC 3339 text (any offset, `Z`) or epoch seconds, as naive UTC."""
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(where, f"not a timestamp: {value!r}")
        if isinstance(value, int | float):
            if not math.isfinite(value) or value < 0:
                raise self.fail(where, f"not a timestamp: {value!r}")
            return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
        if not isinstance(value, str):
            raise self.fail(where, f"not a timestamp: {value!r}")
        text = value.strip().replace(" UTC", "Z")
        if "T" not in text and " " in text:  # Azure's `2026-10-01 03:00:00`
            text = text.replace(" ", "T", 1)
        if "." in text:  # Python parses at most 6 fractional digits; RFC 3339 allows nanoseconds
            head, _, tail = text.partition(".")
            digits = "".join(ch for ch in tail if ch.isdigit())
            rest = tail[len(digits) :]
            text = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(where, f"not an ISO 8601 timestamp: {value!r}") from None
        if parsed.tzinfo is None:
            return parsed
        return parsed.astimezone(UTC).replace(tzinfo=None)

    def number(self, value, where: str, integer: bool = False) -> float | int | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise self.fail(where, f"not a number: {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(where, f"not a number: {value!r}")
        if value < 0:
            raise self.fail(where, f"negative value {value!r}")
        if integer:
            if value != int(value):
                raise self.fail(where, f"not a whole number: {value!r}")
            return int(value)
        return float(value)


def _items(data, list_key: str) -> Iterator[tuple[str, object]]:
    """One object, a list of them, or `{list_key: [...]}` -> each item with its path for error messages:
    `{list_key}[i]` or `[i]`, and "" for a lone item (a single object, or a bare list of one)."""
    if isinstance(data, list):
        items, prefix = data, ""
    elif isinstance(data, dict) and isinstance(data.get(list_key), list):
        items, prefix = data[list_key], list_key
    else:
        items, prefix = [data], ""
    single = len(items) == 1
    for index, item in enumerate(items):
        yield ("" if single and not prefix else f"{prefix}[{index}]"), item


def detect_kind(data) -> str | None:
    """Which managed-ML shape a parsed JSON document is, or None."""
    if isinstance(data, dict):
        if "MetricDataResults" in data:
            return "sagemaker-endpoint-metrics"
        if "timeSeries" in data:
            return "vertex-endpoint-metrics"
        if isinstance(data.get("TrainingJobs"), list) or "TrainingJobArn" in data:
            return "sagemaker-training-jobs"
        if isinstance(data.get("customJobs"), list) or (
            "jobSpec" in data and "/customJobs/" in str(data.get("name"))
        ):
            return "vertex-custom-jobs"
        value = data.get("value")
        if isinstance(value, list):
            first = value[0] if value and isinstance(value[0], dict) else {}
            if "timeseries" in first or "Microsoft.Insights/metrics" in str(first.get("type", "")):
                return "azureml-endpoint-metrics"
            if isinstance(first.get("properties"), dict) and "jobType" in first["properties"]:
                return "azureml-jobs"
            if not value and str(data.get("namespace", "")).startswith("Microsoft.MachineLearningServices"):
                return "azureml-endpoint-metrics"
        if isinstance(data.get("properties"), dict) and "jobType" in data["properties"]:
            return "azureml-jobs"
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return detect_kind(data[0])
    return None


# -- SageMaker -----------------------------------------------------------------------------------------------


def _arn_parts(doc: _Doc, arn: str, where: str, resource: str) -> tuple[str, str, str]:
    parts = arn.split(":", 5)
    if (
        len(parts) != 6
        or parts[0] != "arn"
        or parts[2] != "sagemaker"
        or not parts[5].startswith(f"{resource}/")
    ):
        raise doc.fail(where, f"not a SageMaker {resource} ARN: {arn!r}")
    if not parts[4].isdigit() or len(parts[4]) != 12:
        raise doc.fail(where, f"account id in the ARN is not 12 digits: {arn!r}")
    return parts[4], parts[3], parts[5].split("/", 1)[1]


def _tags_object(doc: _Doc, tags, where: str) -> dict | None:
    if tags is None:
        return None
    if isinstance(tags, dict):
        return {str(k): v for k, v in tags.items()}
    if not isinstance(tags, list):
        raise doc.fail(where, "expected a list of {Key, Value} or an object")
    out = {}
    for i, tag in enumerate(tags):
        key = doc.get(tag, "Key", f"{where}[{i}]", kind=str)
        out[key] = doc.get(tag, "Value", f"{where}[{i}]", required=False)
    return out


def _sagemaker_training_jobs(doc: _Doc, data, out: Collected) -> None:
    for where, job in _items(data, "TrainingJobs"):
        arn = doc.get(job, "TrainingJobArn", where, kind=str)
        account, region, _ = _arn_parts(doc, arn, f"{where}.TrainingJobArn".lstrip("."), "training-job")
        name = doc.get(job, "TrainingJobName", where, kind=str)
        status = doc.get(job, "TrainingJobStatus", where, kind=str)
        resources = doc.get(job, "ResourceConfig", where, kind=dict)
        rwhere = f"{where}.ResourceConfig".lstrip(".")
        instance_type = doc.get(resources, "InstanceType", rwhere, required=False, kind=str)
        count = doc.number(
            doc.get(resources, "InstanceCount", rwhere, required=False), f"{rwhere}.InstanceCount", True
        )
        groups = doc.get(resources, "InstanceGroups", rwhere, required=False, kind=list)
        if (
            instance_type is None and groups
        ):  # heterogeneous clusters: the first group's type, every group's count
            instance_type = doc.get(groups[0], "InstanceType", f"{rwhere}.InstanceGroups[0]", kind=str)
            count = sum(
                doc.number(
                    doc.get(g, "InstanceCount", f"{rwhere}.InstanceGroups[{k}]"),
                    f"{rwhere}.InstanceGroups[{k}].InstanceCount",
                    True,
                )
                for k, g in enumerate(groups)
            )
        if instance_type is None:
            raise doc.fail(f"{rwhere}.InstanceType", "missing")
        creation = doc.time(doc.get(job, "CreationTime", where), f"{where}.CreationTime".lstrip("."))
        start = doc.time(
            doc.get(job, "TrainingStartTime", where, required=False), f"{where}.TrainingStartTime".lstrip(".")
        )
        end = doc.time(
            doc.get(job, "TrainingEndTime", where, required=False), f"{where}.TrainingEndTime".lstrip(".")
        )
        if start and end and end < start:
            raise doc.fail(f"{where}.TrainingEndTime".lstrip("."), f"ends ({end}) before it starts ({start})")
        training = doc.number(
            job.get("TrainingTimeInSeconds"), f"{where}.TrainingTimeInSeconds".lstrip("."), True
        )
        billable = doc.number(
            job.get("BillableTimeInSeconds"), f"{where}.BillableTimeInSeconds".lstrip("."), True
        )
        spot = bool(job.get("EnableManagedSpotTraining") or False)
        if billable is not None and training is not None and billable > training and spot:
            raise doc.fail(
                f"{where}.BillableTimeInSeconds".lstrip("."),
                f"managed spot job bills {billable} s, more than its {training} s of training time",
            )
        checkpoint = job.get("CheckpointConfig") or {}
        experiment = job.get("ExperimentConfig") or {}
        row = {
            "account_id": account,
            "region": region,
            "training_job_name": name,
            "training_job_arn": arn,
            "training_job_status": status,
            "secondary_status": job.get("SecondaryStatus"),
            "instance_type": instance_type,
            "instance_count": count if count is not None else 1,
            "volume_size_in_gb": doc.number(
                resources.get("VolumeSizeInGB"), f"{rwhere}.VolumeSizeInGB", True
            ),
            "enable_managed_spot_training": spot,
            "training_time_in_seconds": training,
            "billable_time_in_seconds": billable,
            "creation_time": creation,
            "training_start_time": start,
            "training_end_time": end,
            "checkpoint_s3_uri": checkpoint.get("S3Uri") if isinstance(checkpoint, dict) else None,
            "experiment_name": experiment.get("ExperimentName") if isinstance(experiment, dict) else None,
            "trial_name": experiment.get("TrialName") if isinstance(experiment, dict) else None,
            "hyper_parameters": json_text(job.get("HyperParameters")),
            "tags": json_text(_tags_object(doc, job.get("Tags"), f"{where}.Tags".lstrip("."))),
            "document": json_text(job),
        }
        out.add((account, creation.date().isoformat()), row, str(doc.file))


def _sagemaker_endpoint_metrics(doc: _Doc, data, out: Collected) -> None:
    region = doc.get(data, "Region", "", kind=str)
    queries = doc.get(data, "MetricDataQueries", "", kind=list)
    results = doc.get(data, "MetricDataResults", "", kind=list)
    by_id: dict[str, tuple[str, str, str, str]] = {}
    for i, query in enumerate(queries):
        where = f"MetricDataQueries[{i}]"
        query_id = doc.get(query, "Id", where, kind=str)
        account = doc.get(query, "AccountId", where, kind=str)
        if not account.isdigit() or len(account) != 12:
            raise doc.fail(f"{where}.AccountId", f"not a 12-digit AWS account id: {account!r}")
        stat = doc.get(query, "MetricStat", where, kind=dict)
        metric = doc.get(stat, "Metric", f"{where}.MetricStat", kind=dict)
        name = doc.get(metric, "MetricName", f"{where}.MetricStat.Metric", kind=str)
        dims = {
            doc.get(d, "Name", f"{where}.MetricStat.Metric.Dimensions[{k}]", kind=str): d.get("Value")
            for k, d in enumerate(doc.get(metric, "Dimensions", f"{where}.MetricStat.Metric", kind=list))
        }
        if "EndpointName" not in dims:
            raise doc.fail(f"{where}.MetricStat.Metric.Dimensions", "no EndpointName dimension")
        if name not in ("Invocations", "ModelLatency"):
            continue
        expected = "Sum" if name == "Invocations" else "Average"
        if doc.get(stat, "Stat", f"{where}.MetricStat", kind=str) != expected:
            raise doc.fail(f"{where}.MetricStat.Stat", f"{name} must be queried with Stat {expected}")
        by_id[query_id] = (account, name, dims["EndpointName"], dims.get("VariantName") or "")
    # (account, endpoint, variant, hour) -> invocations and latency by timestamp
    points: dict[tuple, dict[str, dict[datetime, float]]] = defaultdict(lambda: defaultdict(dict))
    for i, result in enumerate(results):
        where = f"MetricDataResults[{i}]"
        query_id = doc.get(result, "Id", where, kind=str)
        if query_id not in by_id:
            continue
        account, name, endpoint, variant = by_id[query_id]
        stamps = doc.get(result, "Timestamps", where, kind=list)
        values = doc.get(result, "Values", where, kind=list)
        if len(stamps) != len(values):
            raise doc.fail(f"{where}.Values", f"{len(values)} values for {len(stamps)} timestamps")
        for k, (stamp, value) in enumerate(zip(stamps, values, strict=True)):
            at = doc.time(stamp, f"{where}.Timestamps[{k}]")
            number = doc.number(value, f"{where}.Values[{k}]")
            hour = at.replace(minute=0, second=0, microsecond=0)
            series = points[(account, endpoint, variant, hour)][name]
            if at in series and series[at] != number:
                raise doc.fail(
                    f"{where}.Timestamps[{k}]", f"two different {name} values for {at.isoformat()}"
                )
            series[at] = number
    for (account, endpoint, variant, hour), series in sorted(points.items()):
        invocations = series.get("Invocations", {})
        latency = series.get("ModelLatency", {})
        weights = [(v, invocations.get(t, 0.0)) for t, v in latency.items()]
        total_weight = sum(w for _, w in weights)
        if latency:
            mean = (
                sum(v * w for v, w in weights) / total_weight
                if total_weight > 0
                else sum(latency.values()) / len(latency)
            )
        else:
            mean = None
        row = {
            "account_id": account,
            "region": region,
            "endpoint_name": endpoint,
            "variant_name": variant or None,
            "hour_start": hour,
            "invocations": sum(invocations.values()),
            "model_latency_avg_us": mean,
            "datapoint_count": len(invocations) + len(latency),
        }
        out.add((account, hour.date().isoformat()), row, str(doc.file))


# -- Vertex AI -----------------------------------------------------------------------------------------------


def _vertex_custom_jobs(doc: _Doc, data, out: Collected) -> None:
    for where, job in _items(data, "customJobs"):
        name = doc.get(job, "name", where, kind=str)
        parts = name.split("/")
        if len(parts) != 6 or parts[0] != "projects" or parts[2] != "locations" or parts[4] != "customJobs":
            raise doc.fail(f"{where}.name".lstrip("."), f"not a CustomJob resource name: {name!r}")
        spec = doc.get(job, "jobSpec", where, kind=dict)
        pools = doc.get(spec, "workerPoolSpecs", f"{where}.jobSpec".lstrip("."), kind=list)
        if not pools:
            raise doc.fail(f"{where}.jobSpec.workerPoolSpecs".lstrip("."), "empty")
        pwhere = f"{where}.jobSpec.workerPoolSpecs".lstrip(".")
        replicas = 0
        for k, pool in enumerate(pools):
            if pool:  # unused pools are sent as {}
                replicas += doc.number(pool.get("replicaCount", 1), f"{pwhere}[{k}].replicaCount", True)
        machine = doc.get(pools[0], "machineSpec", f"{pwhere}[0]", kind=dict)
        create = doc.time(doc.get(job, "createTime", where), f"{where}.createTime".lstrip("."))
        start = doc.time(job.get("startTime"), f"{where}.startTime".lstrip("."))
        end = doc.time(job.get("endTime"), f"{where}.endTime".lstrip("."))
        if start and end and end < start:
            raise doc.fail(f"{where}.endTime".lstrip("."), f"ends ({end}) before it starts ({start})")
        labels = doc.get(job, "labels", where, required=False, kind=dict)
        scheduling = spec.get("scheduling") or {}
        row = {
            "project_id": parts[1],
            "region": parts[3],
            "job_id": parts[5],
            "job_resource_name": name,
            "display_name": job.get("displayName"),
            "state": doc.get(job, "state", where, kind=str),
            "machine_type": doc.get(machine, "machineType", f"{pwhere}[0].machineSpec", kind=str),
            "accelerator_type": machine.get("acceleratorType"),
            "accelerator_count": doc.number(
                machine.get("acceleratorCount", 0), f"{pwhere}[0].machineSpec.acceleratorCount", True
            ),
            "replica_count": replicas,
            "scheduling_strategy": scheduling.get("strategy") if isinstance(scheduling, dict) else None,
            "create_time": create,
            "start_time": start,
            "end_time": end,
            "labels": json_text(labels),
            "worker_pool_specs": json_text(pools),
            "document": json_text(job),
        }
        out.add((parts[1], create.date().isoformat()), row, str(doc.file))


_PREDICTION_COUNT = "aiplatform.googleapis.com/prediction/online/prediction_count"


def _vertex_endpoint_metrics(doc: _Doc, data, out: Collected) -> None:
    series_list = doc.get(data, "timeSeries", "", kind=list)
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0])
    seen: dict[tuple, float] = {}
    for i, series in enumerate(series_list):
        where = f"timeSeries[{i}]"
        metric = doc.get(series, "metric", where, kind=dict)
        if doc.get(metric, "type", f"{where}.metric", kind=str) != _PREDICTION_COUNT:
            continue
        resource = doc.get(series, "resource", where, kind=dict)
        rlabels = doc.get(resource, "labels", f"{where}.resource", kind=dict)
        mlabels = metric.get("labels") or {}
        project = doc.get(rlabels, "resource_container", f"{where}.resource.labels", kind=str)
        location = doc.get(rlabels, "location", f"{where}.resource.labels", kind=str)
        endpoint = doc.get(rlabels, "endpoint_id", f"{where}.resource.labels", kind=str)
        deployed = mlabels.get("deployed_model_id") or ""
        code = mlabels.get("response_code") or ""
        for k, point in enumerate(doc.get(series, "points", where, kind=list)):
            pwhere = f"{where}.points[{k}]"
            interval = doc.get(point, "interval", pwhere, kind=dict)
            at = doc.time(doc.get(interval, "endTime", f"{pwhere}.interval"), f"{pwhere}.interval.endTime")
            value = doc.get(point, "value", pwhere, kind=dict)
            raw = value.get("int64Value", value.get("doubleValue"))
            if raw is None:
                raise doc.fail(f"{pwhere}.value", "no int64Value or doubleValue")
            number = doc.number(raw, f"{pwhere}.value")
            # DELTA points end on the bucket boundary: a point ending at 10:00 counts 09:xx predictions.
            hour = (at.replace(minute=0, second=0, microsecond=0) if (at.minute or at.second or at.microsecond)
                    else at.replace(minute=0) - _ONE_HOUR)  # fmt: skip
            dedupe = (project, location, endpoint, deployed, code, at)
            if dedupe in seen:
                if seen[dedupe] != number:
                    raise doc.fail(pwhere, f"two different values for the same series at {at.isoformat()}")
                continue
            seen[dedupe] = number
            bucket = sums[(project, location, endpoint, deployed, hour)]
            bucket[0] += number
            bucket[1] += 1
    for (project, location, endpoint, deployed, hour), (total, count) in sorted(sums.items()):
        row = {
            "project_id": project,
            "region": location,
            "endpoint_id": endpoint,
            "deployed_model_id": deployed or None,
            "hour_start": hour,
            "prediction_count": total,
            "point_count": count,
        }
        out.add((project, hour.date().isoformat()), row, str(doc.file))


# -- Azure ML ------------------------------------------------------------------------------------------------


def _arm_parts(doc: _Doc, resource_id: str, where: str) -> tuple[str, str, str, list[str]]:
    """(subscription, resource group, workspace, segments after the workspace) of an Azure ML ARM id."""
    parts = resource_id.strip("/").split("/")
    lower = [p.lower() for p in parts]
    try:
        sub = parts[lower.index("subscriptions") + 1]
        rg = parts[lower.index("resourcegroups") + 1]
        ws_at = lower.index("workspaces")
        ws = parts[ws_at + 1]
    except (ValueError, IndexError):
        raise doc.fail(where, f"not an Azure ML workspace resource id: {resource_id!r}") from None
    if "microsoft.machinelearningservices" not in lower:
        raise doc.fail(where, f"not an Azure ML workspace resource id: {resource_id!r}")
    return sub, rg, ws, parts[ws_at + 2 :]


def _azureml_jobs(doc: _Doc, data, out: Collected) -> None:
    for where, job in _items(data, "value"):
        resource_id = doc.get(job, "id", where, kind=str)
        sub, rg, ws, _ = _arm_parts(doc, resource_id, f"{where}.id".lstrip("."))
        props = doc.get(job, "properties", where, kind=dict)
        pwhere = f"{where}.properties".lstrip(".")
        bag = props.get("properties") or {}
        system = job.get("systemData") or {}
        created = doc.time(system.get("createdAt"), f"{where}.systemData.createdAt".lstrip("."))
        start = doc.time(bag.get("StartTimeUtc"), f"{pwhere}.properties.StartTimeUtc")
        end = doc.time(bag.get("EndTimeUtc"), f"{pwhere}.properties.EndTimeUtc")
        if created is None:
            created = start
        if created is None:
            raise doc.fail(f"{where}.systemData.createdAt".lstrip("."), "missing (and no StartTimeUtc)")
        if start and end and end < start:
            raise doc.fail(f"{pwhere}.properties.EndTimeUtc", f"ends ({end}) before it starts ({start})")
        resources = props.get("resources") or {}
        compute_id = props.get("computeId")
        workspace_key = f"{sub}/{rg}/{ws}"
        row = {
            "subscription_id": sub,
            "resource_group": rg,
            "workspace": ws,
            "job_name": doc.get(job, "name", where, kind=str),
            "display_name": props.get("displayName"),
            "job_type": doc.get(props, "jobType", pwhere, kind=str),
            "experiment_name": props.get("experimentName"),
            "compute_id": compute_id,
            "compute_target": compute_id.rstrip("/").split("/")[-1] if compute_id else None,
            "instance_type": resources.get("instanceType"),
            "node_count": doc.number(
                resources.get("instanceCount", 1), f"{pwhere}.resources.instanceCount", True
            ),
            "status": doc.get(props, "status", pwhere, kind=str),
            "creation_time": created,
            "start_time": start,
            "end_time": end,
            "tags": json_text(props.get("tags") or {}),
            "properties": json_text(bag),
            "document": json_text(job),
        }
        out.add((workspace_key, created.date().isoformat()), row, str(doc.file))


def _azureml_endpoint_metrics(doc: _Doc, data, out: Collected) -> None:
    interval = data.get("interval")
    if interval not in (None, "PT1M"):
        raise doc.fail("interval", f"RequestsPerMinute must be read at PT1M, found {interval!r}")
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0])
    for i, metric in enumerate(doc.get(data, "value", "", kind=list)):
        where = f"value[{i}]"
        name = doc.get(doc.get(metric, "name", where, kind=dict), "value", f"{where}.name", kind=str)
        if name != "RequestsPerMinute":
            continue
        metric_id = doc.get(metric, "id", where, kind=str)
        sub, rg, ws, rest = _arm_parts(doc, metric_id, f"{where}.id")
        if len(rest) < 2 or rest[0].lower() != "onlineendpoints":
            raise doc.fail(f"{where}.id", f"not an online endpoint's metric: {metric_id!r}")
        endpoint = rest[1]
        for k, series in enumerate(doc.get(metric, "timeseries", where, kind=list)):
            swhere = f"{where}.timeseries[{k}]"
            deployment = None
            for m, meta in enumerate(series.get("metadatavalues") or []):
                key = doc.get(
                    doc.get(meta, "name", f"{swhere}.metadatavalues[{m}]", kind=dict),
                    "value",
                    f"{swhere}.metadatavalues[{m}].name",
                )
                if str(key).lower() == "deployment":
                    deployment = meta.get("value")
            if deployment is None:
                raise doc.fail(
                    f"{swhere}.metadatavalues",
                    "no `deployment` dimension (query with $filter=deployment eq '*')",
                )
            seen: set[datetime] = set()
            for m, point in enumerate(doc.get(series, "data", swhere, kind=list)):
                pwhere = f"{swhere}.data[{m}]"
                at = doc.time(doc.get(point, "timeStamp", pwhere), f"{pwhere}.timeStamp")
                if at in seen:
                    raise doc.fail(f"{pwhere}.timeStamp", f"minute {at.isoformat()} appears twice")
                seen.add(at)
                total = doc.number(point.get("total"), f"{pwhere}.total")
                if total is None:
                    continue  # a minute without requests is sent without `total`
                hour = at.replace(minute=0, second=0, microsecond=0)
                bucket = sums[(sub, rg, ws, endpoint, deployment, hour)]
                bucket[0] += total
                bucket[1] += 1
    for (sub, rg, ws, endpoint, deployment, hour), (total, minutes) in sorted(sums.items()):
        row = {
            "subscription_id": sub,
            "resource_group": rg,
            "workspace": ws,
            "endpoint_name": endpoint,
            "deployment_name": deployment,
            "hour_start": hour,
            "requests": total,
            "minute_count": minutes,
        }
        out.add((f"{sub}/{rg}/{ws}", hour.date().isoformat()), row, str(doc.file))


_ONE_HOUR = timedelta(hours=1)

_READERS = {
    "sagemaker-training-jobs": _sagemaker_training_jobs,
    "sagemaker-endpoint-metrics": _sagemaker_endpoint_metrics,
    "vertex-custom-jobs": _vertex_custom_jobs,
    "vertex-endpoint-metrics": _vertex_endpoint_metrics,
    "azureml-jobs": _azureml_jobs,
    "azureml-endpoint-metrics": _azureml_endpoint_metrics,
}


# -- the ingest ----------------------------------------------------------------------------------------------


@dataclass
class ManagedMlReport:
    landed: list[telemetry.LandedTelemetry] = field(default_factory=list)
    refused: list[tuple[str, str, Path | None]] = field(default_factory=list)  # (file, message, quarantine)
    files_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refused


def _files(inputs: list[Path]) -> list[Path]:
    out = []
    for path in inputs:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            out.append(path)
        else:
            raise IngestError(path, None, "no such file or folder")
    if not out:
        raise IngestError(", ".join(str(p) for p in inputs), None, "no .json files found")
    return out


def read_file(path: Path) -> tuple[str, Collected]:
    """(kind, rows by key) of one file; IngestError when it cannot be read."""
    doc = _Doc(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError(path, None, f"not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise IngestError(
            path, None, f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from None
    kind = detect_kind(data)
    if kind is None:
        raise IngestError(
            path,
            None,
            "not a managed-ML JSON shape this ingest knows (DescribeTrainingJob, GetMetricData, Vertex CustomJob, "
            "Cloud Monitoring timeSeries, Azure ML jobs, Azure Monitor metrics)",
        )
    collected = Collected()
    _READERS[kind](doc, data, collected)
    return kind, collected


def ingest(inputs: list[Path], raw_root: Path | None = None, db_path: Path | None = None) -> ManagedMlReport:
    raw_root = raw_root or paths.raw_root()
    report = ManagedMlReport()
    merged: dict[str, Collected] = {}
    problems: list[tuple[Path, IngestError]] = []
    for path in _files(inputs):
        try:
            kind, collected = read_file(path)
        except IngestError as exc:
            problems.append((path, exc))
            continue
        report.files_by_kind[kind] = report.files_by_kind.get(kind, 0) + 1
        target = merged.setdefault(kind, Collected())
        for key, rows in collected.rows.items():
            target.rows.setdefault(key, []).extend(rows)
            target.files.setdefault(key, []).extend(collected.files.get(key, []))
    if problems:
        for path, exc in problems:
            folder = quarantine([path], str(exc), paths.quarantine_root_for(raw_root))
            report.refused.append((str(path), str(exc), folder))
        return report
    try:
        for kind, collected in merged.items():
            _check_duplicates(KINDS[kind], collected)
    except IngestError as exc:
        folder = quarantine(_files(inputs), str(exc), paths.quarantine_root_for(raw_root))
        report.refused.append((exc.file, str(exc), folder))
        return report
    for kind, collected in merged.items():
        report.landed += telemetry.land(KINDS[kind], collected.rows, collected.files, raw_root=raw_root)
    telemetry.refresh(db_path, raw_root)
    return report


_GRAIN = {
    "sagemaker_training_jobs": ("training_job_arn",),
    "sagemaker_endpoint_metrics_hourly": (
        "account_id",
        "region",
        "endpoint_name",
        "variant_name",
        "hour_start",
    ),
    "vertex_custom_jobs": ("project_id", "region", "job_id"),
    "vertex_endpoint_metrics_hourly": (
        "project_id",
        "region",
        "endpoint_id",
        "deployed_model_id",
        "hour_start",
    ),
    "azureml_jobs": ("subscription_id", "resource_group", "workspace", "job_name"),
    "azureml_endpoint_metrics_hourly": (
        "subscription_id",
        "resource_group",
        "workspace",
        "endpoint_name",
        "deployment_name",
        "hour_start",
    ),
}


def _check_duplicates(table: TelemetryTable, collected: Collected) -> None:
    """The same job (or series hour) in two files of one ingest: identical copies collapse, different ones refuse."""
    grain = _GRAIN[table.view_name]
    for key, rows in collected.rows.items():
        by_grain: dict[tuple, dict] = {}
        kept = []
        for row in rows:
            ident = tuple(row.get(g) for g in grain)
            previous = by_grain.get(ident)
            if previous is None:
                by_grain[ident] = row
                kept.append(row)
                continue
            body = {k: v for k, v in row.items() if k != "_source_file"}
            if body != {k: v for k, v in previous.items() if k != "_source_file"}:
                raise IngestError(
                    row["_source_file"],
                    ", ".join(grain),
                    f"{dict(zip(grain, ident, strict=True))} also comes from {previous['_source_file']} with "
                    "different values",
                )
        collected.rows[key] = kept
