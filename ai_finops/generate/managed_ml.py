"""Managed-ML telemetry and an MLflow tracking store consistent with the generated bills.

Runs after the three billing generators and derives every job and endpoint from the billing lines they wrote
(the final deliveries), so ARNs, instance types, hours, labels and tags match the bill exactly:

- SageMaker: one training job per `…:training-job/<name>` ARN (instance type from the usage type, count from the
  usage amount, BillableTimeInSeconds = billed hours x 3600; the vit-detector-l jobs use managed spot, so their
  TrainingTimeInSeconds is longer than the billable time), and CloudWatch `Invocations` / `ModelLatency` for every
  hour an endpoint ARN is billed;
- Vertex AI: one CustomJob per `…/customJobs/<id>` resource (labels as billed, plus `mlflow_run_id`), and
  `prediction_count` points for every hour the endpoint is billed;
- Azure ML: `RequestsPerMinute` (Total, PT1M) for every day an online endpoint deployment is billed, and one
  job per billed compute-cluster line;
- MLflow: a SQLite tracking store written with the MLflow client (`out/mlflow/mlflow.db`): one experiment per
  model, one run per SageMaker and Vertex training job (linked by the job's `mlflow_run_id` tag / label), the
  ranker-v3 HPO jobs as children of one parent sweep run per billing period, with `system/gpu_{i}_*` metrics.

Writes `truth/managed_ml.json`: every job's and endpoint's true cost per billing period (Decimal text), read
from the same billing lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import random
import shutil
import tempfile
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

HOUR = timedelta(hours=1)
# Physical GPUs per instance type (the seed gpu_instance_catalog agrees; kept here so generation needs no dbt).
GPUS = {"p4d.24xlarge": 8, "g5.12xlarge": 4, "g5.xlarge": 1, "g6.xlarge": 1, "a3-highgpu-8g": 8}
SPOT_MODELS = ("vit-detector-l",)
SWEEP_MODELS = ("ranker-v3",)
_AZURE_LOAD = [0.15 + 0.85 * math.exp(-((((h - 14) % 24) / 5.0) ** 2)) for h in range(24)]


def _digest(seed: int, *keys: object) -> bytes:
    return hashlib.sha256("|".join(str(k) for k in (seed, *keys)).encode()).digest()


def mlflow_run_id(seed: int, *keys: object) -> str:
    """The deterministic MLflow run id of a generated workload (32 hex digits, as MLflow writes them).

    Other telemetry generators (pod label `mlflow-run-id`) call this with the same keys to link to a run."""
    return _digest(seed, "mlflow-run", *keys)[:16].hex()


def _rng(seed: int, *keys: object) -> random.Random:
    return random.Random(int.from_bytes(_digest(seed, *keys)[:8], "little"))


def _iso(at: datetime) -> str:
    return at.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _dec(value: float | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(repr(float(value))).quantize(Decimal("0.0000000001"))


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.0000000001")).normalize(), "f")


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


# -- reading the generated bills -----------------------------------------------------------------------------


def _sagemaker_lines(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[tuple]:
    files = sorted((out_dir / "aws" / "cur2").rglob("*.parquet"))
    if not files:
        return []
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    return con.execute(
        f"""
        select strftime(bill_billing_period_start_date, '%Y-%m'), line_item_usage_account_id,
               line_item_resource_id, line_item_usage_type, line_item_usage_start_date,
               line_item_usage_amount, line_item_unblended_cost, resource_tags
        from read_parquet({listing}, union_by_name = true)
        where line_item_product_code = 'AmazonSageMaker' and line_item_line_item_type = 'Usage'
          and line_item_resource_id like 'arn:aws:sagemaker:%'
        order by 3, 5
        """
    ).fetchall()


def _vertex_lines(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[tuple]:
    root = out_dir / "gcp" / "billing_export"
    files = sorted(root.rglob("*.parquet"))
    jsons = sorted(root.rglob("*.json"))
    rows = []
    for listing, reader in ((files, "read_parquet"), (jsons, "read_json_auto")):
        if not listing:
            continue
        names = "[" + ", ".join(f"'{f}'" for f in listing) + "]"
        extra = ", union_by_name = true" if reader == "read_parquet" else ", format = 'newline_delimited'"
        rows += con.execute(
            f"""
            select invoice.month, project.id, project.number, resource.global_name, resource.name,
                   cast(usage_start_time as timestamptz), sku.description, cast(cost as double),
                   list_sum([cast(c.amount as double) for c in coalesce(credits, [])]),
                   [c.type for c in coalesce(credits, [])],
                   labels, currency
            from {reader}({names}{extra})
            where service.description = 'Vertex AI' and resource.global_name like '//aiplatform.googleapis.com/%'
            """
        ).fetchall()
    return sorted(rows, key=lambda r: (r[3], r[5], r[6]))


def _latest_azure_files(out_dir: Path) -> list[Path]:
    """The newest run of each Azure export account x period: the amortized dataset (what EffectiveCost is built
    from) where one was exported, else the actual one (pay-as-you-go rows are the same in both)."""
    chosen = []
    root = out_dir / "azure" / "exports"
    if not root.exists():
        return []
    for account in sorted(p for p in root.iterdir() if p.is_dir()):
        by_period: dict[str, dict[str, Path]] = defaultdict(dict)
        for export in sorted(p for p in account.iterdir() if p.is_dir()):
            dataset = "amortized" if "amortized" in export.name else "actual"
            for period in sorted(p for p in export.iterdir() if p.is_dir()):
                runs = sorted(p for p in period.iterdir() if p.is_dir())
                if runs:
                    by_period[period.name][dataset] = runs[-1]
        for _period, datasets in sorted(by_period.items()):
            run = datasets.get("amortized") or datasets["actual"]
            chosen += sorted(f for f in run.rglob("*") if f.suffix in (".csv", ".parquet", ".gz"))
    return chosen


def _azure_lines(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[dict]:
    rows = []
    for path in _latest_azure_files(out_dir):
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
        rel = con.execute(f"select * from {reader}('{path}')")
        names = [d[0].lower() for d in rel.description]
        for values in rel.fetchall():
            row = dict(zip(names, values, strict=True))
            resource = str(row.get("resourceid") or "")
            if "/microsoft.machinelearningservices/" not in resource.lower():
                continue
            rows.append(row)
    return rows


# -- the tracking store --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _deterministic_mlflow(seed: int, fixed_ms: int):
    """Make the MLflow SQL store's run ids and 'now' timestamps a function of the seed: the store draws a run
    id with `uuid.uuid4()` in `create_run`; the generator queues the id it wants next (the jobs carry it)."""
    from mlflow.store.tracking import sqlalchemy_store

    rng = random.Random(seed)
    queued: list[str] = []

    class _Uuid:
        @staticmethod
        def uuid4():
            if queued:
                return uuid.UUID(hex=queued.pop(0))
            return uuid.UUID(int=rng.getrandbits(128), version=4)

    saved_uuid, saved_now = sqlalchemy_store.uuid, sqlalchemy_store.get_current_time_millis
    sqlalchemy_store.uuid = _Uuid  # type: ignore[assignment]
    sqlalchemy_store.get_current_time_millis = lambda: fixed_ms
    try:
        yield queued
    finally:
        sqlalchemy_store.uuid = saved_uuid
        sqlalchemy_store.get_current_time_millis = saved_now


def build_tracking_store(path: Path, seed: int, runs: list[dict], fixed_ms: int) -> str:
    """Write the runs into a new SQLite tracking store with the MLflow client; returns its tracking URI."""
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient

    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    path = path.resolve()  # the artifact location is a file URI, which must be absolute
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_suffix(".db-journal")):
        stale.unlink(missing_ok=True)
    # Write on a RAM disk when there is one (SQLite commits there cost no fsync), then copy into place.
    shm = Path("/dev/shm")
    work_dir = Path(tempfile.mkdtemp(dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None))
    work = work_dir / path.name
    uri = f"sqlite:///{work}"
    artifacts = (path.parent / "artifacts").as_uri()
    with _deterministic_mlflow(seed, fixed_ms) as queued:
        client = MlflowClient(tracking_uri=uri)
        experiments: dict[str, str] = {}
        for run in runs:
            name = run["experiment"]
            if name not in experiments:
                experiments[name] = client.create_experiment(
                    name, artifact_location=f"{artifacts}/{name}", tags={"team": run["tags"].get("team", "")}
                )
        for run in runs:
            queued.append(run["run_id"])
            created = client.create_run(
                experiments[run["experiment"]],
                start_time=run["start_ms"],
                tags={"mlflow.user": run["user"], **run["tags"]},
                run_name=run["name"],
            )
            assert created.info.run_id == run["run_id"], "the MLflow store did not take the queued run id"
            if run.get("parent"):
                client.set_tag(run["run_id"], "mlflow.parentRunId", run["parent"])
            metrics = [Metric(k, v, ts, step) for k, v, ts, step in run["metrics"]]
            params = [Param(k, v) for k, v in run["params"].items()]
            for start in range(0, max(len(metrics), 1), 900):
                client.log_batch(run["run_id"], metrics=metrics[start : start + 900],
                                 params=params if start == 0 else [])  # fmt: skip
            client.set_terminated(run["run_id"], status=run["status"], end_time=run["end_ms"])
        client._tracking_client.store.engine.dispose()  # every commit is in the file; release it
    shutil.copyfile(work, path)
    shutil.rmtree(work_dir, ignore_errors=True)
    return f"sqlite:///{path}"


def _system_metrics(
    rng: random.Random, start: datetime, end: datetime, gpus: int, busy: float
) -> list[tuple]:
    """`system/gpu_{i}_*` samples every 30 minutes (MLflow samples every 10 s; thinned for the demo)."""
    out = []
    at, step = start, 0
    while at < end:
        ts = int(at.replace(tzinfo=UTC).timestamp() * 1000)
        for i in range(gpus):
            util = max(0.0, min(100.0, rng.gauss(busy, 8.0)))
            out.append((f"system/gpu_{i}_utilization_percentage", round(util, 1), ts, step))
            out.append(
                (f"system/gpu_{i}_memory_usage_percentage", round(min(100.0, util * 0.9 + 5), 1), ts, step)
            )
        out.append(("system/cpu_utilization_percentage", round(rng.uniform(20, 60), 1), ts, step))
        at += timedelta(minutes=30)
        step += 1
    return out


# -- the generator -------------------------------------------------------------------------------------------


def generate_managed_ml(out_dir: Path, seed: int = 42, build_store: bool = True) -> dict:
    """Write the managed-ML JSON under `<out_dir>/managed_ml/`, the tracking store under `<out_dir>/mlflow/`
    and `<out_dir>/truth/managed_ml.json`."""
    out_dir = Path(out_dir)
    root = out_dir / "managed_ml"
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    truth: dict[tuple, dict] = {}
    files: list[Path] = []
    runs: list[dict] = []

    def add_truth(key: str, provider: str, period: str, currency: str, effective: Decimal, billed: Decimal,
                  **facts) -> None:  # fmt: skip
        entry = truth.setdefault(
            (key, period),
            {"workload_key": key, "provider": provider, "billing_period": period, "currency": currency,
             "effective_cost": Decimal(0), "billed_cost": Decimal(0), **facts},
        )  # fmt: skip
        entry["effective_cost"] += effective
        entry["billed_cost"] += billed

    def write(path: Path, document) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
        files.append(path)

    # SageMaker -------------------------------------------------------------------------------------------
    jobs: dict[str, dict] = {}
    for period, account, arn, usage_type, start, amount, cost, tags in _sagemaker_lines(con, out_dir):
        entry = jobs.setdefault(
            arn,
            {"account": account, "usage_type": usage_type, "hours": [], "instances": int(amount),
             "tags": dict(tags or {})},
        )  # fmt: skip
        entry["hours"].append(_naive(start))
        kind = "training" if ":training-job/" in arn else "endpoint"
        add_truth(f"sagemaker-{kind}:{arn}", "aws", period, "USD", _dec(cost), _dec(cost), resource_id=arn)
    training_docs: dict[str, list] = defaultdict(list)
    cloudwatch: dict[tuple[str, str], dict] = {}
    sweep_parents: dict[tuple[str, str], str] = {}
    for arn, job in sorted(jobs.items()):
        region, account, resource = arn.split(":")[3], arn.split(":")[4], arn.split(":", 5)[5]
        name = resource.split("/", 1)[1]
        instance_type = job["usage_type"].split(":", 1)[1]
        hours = sorted(job["hours"])
        rng = _rng(seed, "sagemaker", arn)
        model = job["tags"].get("user_model") or name
        team = job["tags"].get("user_team")
        if resource.startswith("training-job/"):
            first = hours[0]
            billable = len(hours) * 3600
            spot = model in SPOT_MODELS
            training = billable + (int(billable * rng.uniform(0.1, 0.45)) if spot else 0)
            start = first + timedelta(seconds=rng.randint(30, 240))
            created = first - timedelta(seconds=rng.randint(60, 600))
            end = start + timedelta(seconds=training)
            run_id = mlflow_run_id(seed, "sagemaker", arn)
            gpus = GPUS.get(instance_type.removeprefix("ml."), 0)
            parent = None
            period = first.strftime("%Y-%m")
            if model in SWEEP_MODELS:
                parent = sweep_parents.get((model, period))
                if parent is None:
                    parent = mlflow_run_id(seed, "sweep", model, period)
                    sweep_parents[(model, period)] = parent
            busy = rng.uniform(35, 90)
            runs.append(
                {
                    "run_id": run_id, "experiment": model, "name": name, "user": f"{team or 'ml'}-bot",
                    "start_ms": int(start.replace(tzinfo=UTC).timestamp() * 1000),
                    "end_ms": int(end.replace(tzinfo=UTC).timestamp() * 1000),
                    "status": "FINISHED", "parent": parent,
                    "tags": {"team": team or "", "sagemaker_training_job_arn": arn, "compute": "sagemaker"},
                    "params": {"instance_type": instance_type, "instance_count": str(job["instances"]),
                               "learning_rate": f"{rng.choice([1, 2, 3, 5])}e-{rng.randint(3, 5)}"},
                    "metrics": _system_metrics(rng, start, end, gpus, busy),
                }
            )  # fmt: skip
            doc = {
                "TrainingJobName": name,
                "TrainingJobArn": arn,
                "TrainingJobStatus": "Completed",
                "SecondaryStatus": "Completed",
                "AlgorithmSpecification": {"TrainingImage": f"{account}.dkr.ecr.{region}.amazonaws.com/{model}:latest",
                                           "TrainingInputMode": "FastFile"},
                "RoleArn": f"arn:aws:iam::{account}:role/sagemaker-training",
                "ResourceConfig": {"InstanceType": instance_type, "InstanceCount": job["instances"],
                                   "VolumeSizeInGB": 200},
                "StoppingCondition": {"MaxRuntimeInSeconds": 432000, **({"MaxWaitTimeInSeconds": 604800} if spot else {})},
                "EnableManagedSpotTraining": spot,
                "CheckpointConfig": {"S3Uri": f"s3://ai-finops-demo-model-checkpoints/{model}/{name}/"},
                "CreationTime": _iso(created),
                "TrainingStartTime": _iso(start),
                "TrainingEndTime": _iso(end),
                "LastModifiedTime": _iso(end + timedelta(seconds=40)),
                "TrainingTimeInSeconds": training,
                "BillableTimeInSeconds": billable,
                "HyperParameters": {"epochs": str(rng.randint(3, 20)), "mlflow_run_id": run_id},
                "ExperimentConfig": {"ExperimentName": model, "TrialName": name},
                "Tags": [{"Key": "team", "Value": team or ""}, {"Key": "model", "Value": model},
                         {"Key": "mlflow_run_id", "Value": run_id}],
            }  # fmt: skip
            training_docs[account].append(doc)
        else:
            endpoint = name
            for hour in hours:
                key = (account, hour.strftime("%Y-%m"))
                call = cloudwatch.setdefault(key, {"series": defaultdict(dict), "region": region})
                local = (hour.hour - 5) % 24
                load = 0.25 + 0.75 * math.exp(-(((local - 14) / 4.5) ** 2))
                invocations = float(int(rng.uniform(0.6, 1.0) * load * 4000 * job["instances"]))
                latency = rng.uniform(18_000, 60_000)
                stamp = _iso(hour)
                call["series"][(endpoint, "Invocations")][stamp] = invocations
                call["series"][(endpoint, "ModelLatency")][stamp] = round(latency, 2)
    for account, docs in sorted(training_docs.items()):
        write(root / "sagemaker" / "training_jobs" / f"{account}.json", {"TrainingJobs": docs})
    for (account, period), call in sorted(cloudwatch.items()):
        queries, results = [], []
        for n, ((endpoint, metric), points) in enumerate(sorted(call["series"].items())):
            query_id = f"m{n}"
            queries.append(
                {"Id": query_id, "AccountId": account, "ReturnData": True,
                 "MetricStat": {"Metric": {"Namespace": "AWS/SageMaker", "MetricName": metric,
                                           "Dimensions": [{"Name": "EndpointName", "Value": endpoint},
                                                          {"Name": "VariantName", "Value": "AllTraffic"}]},
                                "Period": 3600, "Stat": "Sum" if metric == "Invocations" else "Average"}}
            )  # fmt: skip
            stamps = sorted(points, reverse=True)  # GetMetricData returns TimestampDescending by default
            results.append({"Id": query_id, "Label": metric, "StatusCode": "Complete",
                            "Timestamps": stamps, "Values": [points[s] for s in stamps]})  # fmt: skip
        write(
            root / "sagemaker" / "cloudwatch" / f"{account}-{period}.json",
            {"Region": call["region"], "ScanBy": "TimestampDescending", "MetricDataQueries": queries,
             "MetricDataResults": results, "Messages": []},
        )  # fmt: skip

    # Vertex AI -------------------------------------------------------------------------------------------
    vertex: dict[str, dict] = {}
    for (
        month,
        project_id,
        number,
        global_name,
        name,
        start,
        sku,
        cost,
        credits,
        credit_types,
        labels,
        currency,
    ) in _vertex_lines(con, out_dir):
        entry = vertex.setdefault(
            global_name,
            {"project_id": project_id, "number": number, "name": name, "hours": set(), "labels": labels or [],
             "skus": set()},
        )  # fmt: skip
        entry["hours"].add(_naive(start))
        entry["skus"].add(sku)
        resource_kind, resource_id = global_name.rstrip("/").split("/")[-2:]
        key = (
            f"vertex-job:{resource_id}" if resource_kind == "customJobs" else f"vertex-endpoint:{resource_id}"
        )
        period = f"{month[:4]}-{month[4:]}"
        billed = _dec(cost) + _dec(credits)
        # Flexible-CUD-covered usage (GCP's committed use discount credits) makes EffectiveCost a FOCUS
        # computation; the truth's effective cost is the cost net of every credit except the CUD ones.
        cud = any(t and "COMMITTED_USAGE_DISCOUNT" in t for t in credit_types or [])
        add_truth(key, "gcp", period, currency, billed, billed, resource_id=global_name, cud_covered=cud)
    custom_jobs: dict[str, list] = defaultdict(list)
    monitoring: dict[tuple[str, str], list] = defaultdict(list)
    for global_name, res in sorted(vertex.items()):
        parts = global_name.split("/")
        location, resource_kind, resource_id = parts[-3], parts[-2], parts[-1]
        hours = sorted(res["hours"])
        labels = {item["key"]: item["value"] for item in res["labels"]}
        rng = _rng(seed, "vertex", global_name)
        if resource_kind == "customJobs":
            start = hours[0] + timedelta(seconds=rng.randint(60, 400))
            end = hours[-1] + HOUR - timedelta(seconds=rng.randint(0, 300))
            run_id = mlflow_run_id(seed, "vertex", resource_id)
            model = labels.get("model", res["name"])
            runs.append(
                {
                    "run_id": run_id, "experiment": model, "name": res["name"], "user": "research-bot",
                    "start_ms": int(start.replace(tzinfo=UTC).timestamp() * 1000),
                    "end_ms": int(end.replace(tzinfo=UTC).timestamp() * 1000),
                    "status": "FINISHED", "parent": None,
                    "tags": {"team": labels.get("team", ""), "vertex_custom_job": global_name.removeprefix("//aiplatform.googleapis.com/"),
                             "compute": "vertex"},
                    "params": {"machine_type": "a3-highgpu-8g", "accelerator_count": "8"},
                    "metrics": _system_metrics(rng, start, end, 8, rng.uniform(50, 95)),
                }
            )  # fmt: skip
            custom_jobs[res["project_id"]].append(
                {
                    "name": f"projects/{res['number']}/locations/{location}/customJobs/{resource_id}",
                    "displayName": res["name"],
                    "jobSpec": {
                        "workerPoolSpecs": [
                            {"machineSpec": {"machineType": "a3-highgpu-8g", "acceleratorType": "NVIDIA_H100_80GB",
                                             "acceleratorCount": 8},
                             "replicaCount": "1",
                             "diskSpec": {"bootDiskType": "pd-ssd", "bootDiskSizeGb": 100},
                             "containerSpec": {"imageUri": f"us-docker.pkg.dev/{res['project_id']}/train/{model}:latest"}}
                        ],
                        "scheduling": {"strategy": "ON_DEMAND"},
                    },
                    "state": "JOB_STATE_SUCCEEDED",
                    "createTime": _iso(hours[0] - timedelta(seconds=rng.randint(60, 900))),
                    "startTime": _iso(start),
                    "endTime": _iso(end),
                    "updateTime": _iso(end + timedelta(seconds=30)),
                    "labels": {**labels, "mlflow_run_id": run_id},
                }
            )  # fmt: skip
        else:
            deployed = str(int.from_bytes(_digest(seed, "deployed-model", resource_id)[:7], "little"))
            for hour in hours:
                local = (hour.hour - 5) % 24
                load = 0.2 + 0.8 * math.exp(-(((local - 14) / 5.0) ** 2))
                ok = int(rng.uniform(0.7, 1.0) * load * 2500)
                for code, value in (("200", ok), ("429", int(ok * rng.uniform(0, 0.01)))):
                    monitoring[(res["project_id"], hour.strftime("%Y-%m"))].append(
                        (location, resource_id, deployed, code, hour, value)
                    )
    for project, docs in sorted(custom_jobs.items()):
        write(root / "vertex" / "custom_jobs" / f"{project}.json", {"customJobs": docs})
    for (project, period), points in sorted(monitoring.items()):
        series: dict[tuple, list] = defaultdict(list)
        for location, endpoint_id, deployed, code, hour, value in points:
            series[(location, endpoint_id, deployed, code)].append(
                {
                    "interval": {"startTime": _iso(hour), "endTime": _iso(hour + HOUR)},
                    "value": {"int64Value": str(value)},
                }
            )
        write(
            root / "vertex" / "monitoring" / f"{project}-{period}.json",
            {"timeSeries": [
                {"metric": {"type": "aiplatform.googleapis.com/prediction/online/prediction_count",
                            "labels": {"deployed_model_id": deployed, "response_code": code}},
                 "resource": {"type": "aiplatform.googleapis.com/Endpoint",
                              "labels": {"resource_container": project, "location": location, "endpoint_id": endpoint_id}},
                 "metricKind": "DELTA", "valueType": "INT64", "points": sorted(pts, key=lambda p: p["interval"]["endTime"], reverse=True)}
                for (location, endpoint_id, deployed, code), pts in sorted(series.items())
            ], "unit": "1"},
        )  # fmt: skip

    # Azure ML --------------------------------------------------------------------------------------------
    azure_days: dict[tuple[str, str, str], set] = defaultdict(
        set
    )  # (workspace id, endpoint, deployment) -> days
    cluster_jobs: dict[str, list] = defaultdict(list)
    for row in _azure_lines(con, out_dir):
        resource = str(row["resourceid"])
        tags = row.get("tags")
        tags = json.loads(
            "{" + tags + "}" if tags and not str(tags).lstrip().startswith("{") else tags or "{}"
        )
        day = row["date"]
        day = (
            datetime.strptime(day, "%m/%d/%Y").date()
            if isinstance(day, str)
            else (day.date() if isinstance(day, datetime) else day)
        )
        period = day.strftime("%Y-%m")
        cost = Decimal(str(row.get("costinbillingcurrency")))
        currency = row.get("billingcurrencycode") or row.get("billingcurrency") or "USD"
        ws_id, _, rest = (
            resource.partition("/onlineEndpoints/")
            if "/onlineEndpoints/" in resource
            else resource.partition("/computes/")
        )
        ws_name = ws_id.rstrip("/").split("/")[-1]
        if "/onlineEndpoints/" in resource and tags.get("azuremlendpoint"):
            endpoint, deployment = tags["azuremlendpoint"], tags.get("azuremldeployment")
            azure_days[(ws_id, endpoint, deployment)].add(day)
            add_truth(f"azureml-endpoint:{ws_name}/{endpoint}", "azure", period, currency, cost, cost,
                      resource_id=resource, deployment=deployment)  # fmt: skip
        elif "/computes/" in resource:
            cluster = rest.split("/")[0]
            quantity = float(row.get("quantity") or 0)
            cluster_jobs[ws_id].append((cluster, day, quantity, tags, (period, currency, cost)))
    metrics_by_ws: dict[tuple[str, str], list] = defaultdict(list)
    for (ws_id, endpoint, deployment), days in sorted(azure_days.items()):
        rng = _rng(seed, "azureml", ws_id, endpoint, deployment)
        for day in sorted(days):
            start = datetime(day.year, day.month, day.day)
            prefix = start.strftime("%Y-%m-%dT")
            data = []
            for minute in range(1440):
                hour = minute // 60
                load = _AZURE_LOAD[hour]
                total = float(int(rng.random() * 40 * load))
                stamp = f"{prefix}{hour:02d}:{minute % 60:02d}:00Z"
                data.append({"timeStamp": stamp, "total": total} if total else {"timeStamp": stamp})
            metrics_by_ws[(ws_id, endpoint)].append((deployment, start, data))
    for (ws_id, endpoint), chunks in sorted(metrics_by_ws.items()):
        by_period: dict[str, list] = defaultdict(list)
        for deployment, start, data in chunks:
            by_period[start.strftime("%Y-%m")].append((deployment, data))
        for period, items in sorted(by_period.items()):
            merged: dict[str, list] = defaultdict(list)
            for deployment, data in items:
                merged[deployment] += data
            endpoint_id = f"{ws_id}/onlineEndpoints/{endpoint}"
            ws_name = ws_id.rstrip("/").split("/")[-1]
            write(
                root / "azureml" / "metrics" / f"{ws_name}-{endpoint}-{period}.json",
                {"cost": 0, "timespan": f"{period}-01T00:00:00Z/{period}-28T00:00:00Z", "interval": "PT1M",
                 "value": [{"id": f"{endpoint_id}/providers/Microsoft.Insights/metrics/RequestsPerMinute",
                            "type": "Microsoft.Insights/metrics",
                            "name": {"value": "RequestsPerMinute", "localizedValue": "Requests Per Minute"},
                            "displayDescription": "The number of requests sent to online endpoint within a minute",
                            "unit": "Count",
                            "timeseries": [{"metadatavalues": [{"name": {"value": "deployment", "localizedValue": "deployment"},
                                                                "value": deployment}], "data": data}
                                           for deployment, data in sorted(merged.items())],
                            "errorCode": "Success"}],
                 "namespace": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
                 "resourceregion": "eastus"},
            )  # fmt: skip
    for ws_id, items in sorted(cluster_jobs.items()):
        docs = []
        ws_name = ws_id.rstrip("/").split("/")[-1]
        for n, (cluster, day, quantity, tags, billed) in enumerate(sorted(items, key=lambda i: (i[0], i[1]))):
            if quantity <= 0:
                continue
            period, currency, cost = billed
            rng = _rng(seed, "azureml-job", ws_id, cluster, day, n)
            nodes = max(1, math.ceil(quantity / 24))
            seconds = math.ceil(quantity / nodes * 3600)
            start = datetime(day.year, day.month, day.day) + timedelta(
                seconds=rng.randint(0, max(0, 86400 - seconds))
            )
            name = f"{cluster}-{day.strftime('%Y%m%d')}-{n:03d}"
            # The job's node-hours equal the line's: the line's cost is the job's (same meter, same rate).
            add_truth(f"azureml-job:{ws_name}/{name}", "azure", period, currency, cost, cost,
                      resource_id=f"{ws_id}/computes/{cluster}")  # fmt: skip
            docs.append(
                {"id": f"{ws_id}/jobs/{name}", "name": name, "type": "Microsoft.MachineLearningServices/workspaces/jobs",
                 "properties": {"jobType": "Command", "displayName": name,
                                "experimentName": tags.get("project") or tags.get("workload") or "training",
                                "status": "Completed", "computeId": f"{ws_id}/computes/{cluster}",
                                "resources": {"instanceCount": nodes}, "tags": tags,
                                "properties": {"StartTimeUtc": start.strftime("%Y-%m-%d %H:%M:%S"),
                                               "EndTimeUtc": (start + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")}},
                 "systemData": {"createdAt": _iso(start - timedelta(seconds=rng.randint(30, 600)))}}
            )  # fmt: skip
        ws_name = ws_id.rstrip("/").split("/")[-1]
        write(root / "azureml" / "jobs" / f"{ws_name}.json", {"value": docs})

    # MLflow tracking store -------------------------------------------------------------------------------
    for (model, period), parent in sorted(sweep_parents.items()):
        children = [r for r in runs if r["parent"] == parent]
        runs.append(
            {"run_id": parent, "experiment": model, "name": f"{model}-hpo-{period}", "user": "recsys-bot",
             "start_ms": min(r["start_ms"] for r in children), "end_ms": max(r["end_ms"] for r in children),
             "status": "FINISHED", "parent": None, "tags": {"team": children[0]["tags"]["team"], "sweep": "true"},
             "params": {"search": "bayesian", "trials": str(len(children))}, "metrics": []}
        )  # fmt: skip
    runs.sort(key=lambda r: (r["start_ms"], r["run_id"]))
    store_path = out_dir / "mlflow" / "mlflow.db"
    tracking_uri = None
    if build_store and runs:
        fixed_ms = max(r["end_ms"] for r in runs)
        tracking_uri = build_tracking_store(store_path, seed, runs, fixed_ms)

    truth_rows = []
    for (_key, _period), entry in sorted(truth.items()):
        truth_rows.append(
            {
                **entry,
                "effective_cost": _money(entry["effective_cost"]),
                "billed_cost": _money(entry["billed_cost"]),
            }
        )
    runs_truth = [
        {
            "run_id": r["run_id"],
            "parent_run_id": r["parent"],
            "experiment_name": r["experiment"],
            "name": r["name"],
        }
        for r in runs
    ]
    truth_path = out_dir / "truth" / "managed_ml.json"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(
        json.dumps({"seed": seed, "workloads": truth_rows, "mlflow_runs": runs_truth,
                    "note": "effective_cost per workload x billing period in billing currency, read from the "
                            "generated billing lines; for GCP rows covered by the flexible CUD (cud_covered) "
                            "the FOCUS EffectiveCost differs: compare billed_cost there."}, indent=1) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    con.close()
    return {
        "files": [str(p.relative_to(out_dir)) for p in files],
        "truth_file": str(truth_path.relative_to(out_dir)),
        "tracking_uri": tracking_uri,
        "workloads": len({e["workload_key"] for e in truth_rows}),
        "runs": len(runs),
    }
