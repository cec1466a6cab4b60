"""`ai-finops extract mlflow --tracking-uri <uri>`: snapshot an MLflow tracking store into the landing zone.

Reads experiments (deleted ones too), runs, params, tags and the system GPU metrics with the MLflow client
(`MlflowClient.search_experiments`, `search_runs`, `get_metric_history`) and lands one full snapshot per
tracking store under `raw/telemetry/mlflow/tracking_store=<hash>/delivery=<id>/{experiments,runs}.parquet`,
replacing the store's previous snapshot whole. The GPU columns are summarised here from the full metric history
(`system/gpu_{i}_utilization_percentage`, `system/gpu_{i}_memory_usage_megabytes`, ...), so the warehouse never
holds the 10-second samples.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ai_finops import paths
from ai_finops.errors import IngestError
from ai_finops.ingest import telemetry
from ai_finops.ingest.telemetry import TelemetryTable, json_text

MLFLOW_EXPERIMENTS = TelemetryTable(
    folder="mlflow",
    key_names=("tracking_store",),
    file_name="experiments.parquet",
    view_name="mlflow_experiments",
    columns={
        "tracking_store": "VARCHAR",
        "tracking_uri": "VARCHAR",
        "experiment_id": "VARCHAR",
        "name": "VARCHAR",
        "artifact_location": "VARCHAR",
        "lifecycle_stage": "VARCHAR",
        "creation_time": "TIMESTAMP",
        "last_update_time": "TIMESTAMP",
        "tags": "VARCHAR",
    },
)
MLFLOW_RUNS = TelemetryTable(
    folder="mlflow",
    key_names=("tracking_store",),
    file_name="runs.parquet",
    view_name="mlflow_runs",
    columns={
        "tracking_store": "VARCHAR",
        "tracking_uri": "VARCHAR",
        "experiment_id": "VARCHAR",
        "experiment_name": "VARCHAR",
        "run_id": "VARCHAR",
        "run_name": "VARCHAR",
        "user_id": "VARCHAR",
        "status": "VARCHAR",
        "lifecycle_stage": "VARCHAR",
        "start_time": "TIMESTAMP",
        "end_time": "TIMESTAMP",
        "artifact_uri": "VARCHAR",
        "tags": "VARCHAR",
        "params": "VARCHAR",
        "latest_metrics": "VARCHAR",
        "gpu_count_seen": "BIGINT",
        "gpu_utilization_avg": "DOUBLE",
        "system_metric_samples": "BIGINT",
    },
)
telemetry.register(MLFLOW_EXPERIMENTS, MLFLOW_RUNS)

_GPU_KEY = re.compile(r"^system/(?:[^/]+/)?gpu_(\d+)_")
_GPU_UTIL_KEY = re.compile(r"^system/(?:[^/]+/)?gpu_(\d+)_utilization_percentage$")


@dataclass
class ExtractReport:
    tracking_store: str
    experiments: int
    runs: int
    landed: list[telemetry.LandedTelemetry]


def public_uri(uri: str) -> str:
    """The tracking URI without user and password."""
    parts = urlsplit(uri)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return uri


def store_hash(uri: str) -> str:
    return hashlib.sha256(public_uri(uri).encode()).hexdigest()[:16]


def _ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC).replace(tzinfo=None)


def snapshot(tracking_uri: str) -> tuple[list[dict], list[dict]]:
    """(experiment rows, run rows) of a tracking store, read with the MLflow client."""
    try:
        from mlflow.entities import ViewType
        from mlflow.tracking import MlflowClient
    except ImportError as exc:  # pragma: no cover - the package pins mlflow-skinny
        raise IngestError(tracking_uri, None, f"the MLflow client is not installed: {exc}") from None
    store = store_hash(tracking_uri)
    shown = public_uri(tracking_uri)
    if tracking_uri.startswith("sqlite:///"):
        # The client would create an empty store at a path that does not exist; refuse instead.
        db_file = Path(tracking_uri.removeprefix("sqlite:///").split("?", 1)[0])
        if not db_file.is_file():
            raise IngestError(shown, None, f"no such tracking store: {db_file} does not exist")
    try:
        client = MlflowClient(tracking_uri=tracking_uri)
        experiments = client.search_experiments(view_type=ViewType.ALL, max_results=50_000)
    except Exception as exc:  # the client raises many kinds (MlflowException, SQLAlchemy, HTTP)
        raise IngestError(shown, None, f"could not read the tracking store: {exc}") from None
    experiment_rows, run_rows = [], []
    names = {}
    for exp in experiments:
        names[exp.experiment_id] = exp.name
        experiment_rows.append(
            {
                "tracking_store": store,
                "tracking_uri": shown,
                "experiment_id": exp.experiment_id,
                "name": exp.name,
                "artifact_location": exp.artifact_location,
                "lifecycle_stage": exp.lifecycle_stage,
                "creation_time": _ms(exp.creation_time),
                "last_update_time": _ms(exp.last_update_time),
                "tags": json_text(dict(exp.tags or {})),
                "_source_file": shown,
            }
        )
    if not names:
        return experiment_rows, run_rows
    token = None
    while True:
        page = client.search_runs(
            experiment_ids=list(names), run_view_type=ViewType.ALL, max_results=1000, page_token=token
        )
        for run in page:
            info, data = run.info, run.data
            gpus: set[int] = set()
            util_sum, util_count = 0.0, 0
            for key in data.metrics:
                match = _GPU_KEY.match(key)
                if not match:
                    continue
                gpus.add(int(match.group(1)))
                if _GPU_UTIL_KEY.match(key):
                    for metric in client.get_metric_history(info.run_id, key):
                        util_sum += metric.value
                        util_count += 1
            run_rows.append(
                {
                    "tracking_store": store,
                    "tracking_uri": shown,
                    "experiment_id": info.experiment_id,
                    "experiment_name": names.get(info.experiment_id),
                    "run_id": info.run_id,
                    "run_name": info.run_name,
                    "user_id": info.user_id,
                    "status": info.status,
                    "lifecycle_stage": info.lifecycle_stage,
                    "start_time": _ms(info.start_time),
                    "end_time": _ms(info.end_time),
                    "artifact_uri": info.artifact_uri,
                    "tags": json_text(dict(data.tags)),
                    "params": json_text(dict(data.params)),
                    "latest_metrics": json_text(dict(data.metrics)),
                    "gpu_count_seen": len(gpus),
                    "gpu_utilization_avg": util_sum / util_count if util_count else None,
                    "system_metric_samples": util_count,
                    "_source_file": shown,
                }
            )
        token = page.token
        if not token:
            break
    return experiment_rows, run_rows


def extract(tracking_uri: str, raw_root: Path | None = None, db_path: Path | None = None) -> ExtractReport:
    """Snapshot the store and land it (replacing the store's previous snapshot), then refresh the raw views."""
    raw_root = raw_root or paths.raw_root()
    experiments, runs = snapshot(tracking_uri)
    store = store_hash(tracking_uri)
    landed = telemetry.land_together(
        [(MLFLOW_EXPERIMENTS, {(store,): experiments}), (MLFLOW_RUNS, {(store,): runs})],
        {(store,): [public_uri(tracking_uri)]},
        raw_root=raw_root,
        extra_metadata={"tracking_uri": public_uri(tracking_uri)},
    )
    telemetry.refresh(db_path, raw_root)
    return ExtractReport(store, len(experiments), len(runs), landed)
