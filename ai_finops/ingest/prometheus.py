"""`ai-finops ingest prometheus`: land kube-state-metrics and dcgm-exporter series, pre-aggregated to the hour.

Reads both shapes Prometheus data comes in:

* `/api/v1/query_range` responses (`{"status": "success", "data": {"resultType": "matrix", "result": [...]}}`),
  one file per query (`*.json`);
* OpenMetrics / Prometheus text exposition with timestamps (`*.txt`, `*.prom`, `*.om`; OpenMetrics timestamps
  are seconds), e.g. a day of scrapes as `promtool tsdb create-blocks-from openmetrics` takes it.

Per series, samples are aligned to the scrape step (the most common interval between a file's samples): a
sample a few seconds off (clock skew, a second Prometheus replica) lands in the slot it belongs to, and
several samples in one slot (duplicates, HA replicas, re-sent scrapes) count once. Slots are then averaged per
UTC hour with the number of slots seen and `seconds_observed` = slots x step (at most 3600).

Labels: the cluster is the series' `cluster` label, else a `cluster=<name>` folder in the file's path, else
`--cluster`. dcgm-exporter's `Hostname` (older) and `hostname`, and the old `pod_name`, `pod_namespace`,
`container_name` are all accepted. Replica labels (`prometheus_replica`, `replica`, `prometheus`) and scrape
labels (`instance`, `job`) are not part of a series' identity.

Value ranges (GPU_UTIL 0-100, PROF ratios 0-1, no negative requests or capacities) are the Great Expectations
suite `prometheus.ranges` (ai_finops.quality.prometheus), run on facts DuckDB computes over all samples.

Refused (IngestError naming the file, the metric or label and the problem; nothing lands): invalid JSON, a
response whose status is not `success` or whose resultType is not `matrix`, a sample value that is not a
number or is NaN / infinite, a text sample without a timestamp, node metrics without `node`, DCGM series
without `hostname`/`Hostname`, `UUID` or `gpu`, and a cluster that cannot be told. Pod requests without a
node (pending pods) hold no node capacity: they are counted in `_delivery.json` (`pending_pod_series`) and
reported, not landed.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from ai_finops import paths
from ai_finops.errors import IngestError
from ai_finops.ingest import prometheus_schema as schema
from ai_finops.ingest.telemetry import LandedTelemetry, land_together, refresh
from ai_finops.landing import quarantine, utc_now
from ai_finops.quality import prometheus as quality_prometheus
from ai_finops.quality.gx import current_session

KSM_METRICS = (
    "kube_node_info",
    "kube_node_labels",
    "kube_node_status_capacity",
    "kube_pod_info",
    "kube_pod_labels",
    "kube_pod_container_resource_requests",
)
DCGM_METRICS = {
    "DCGM_FI_DEV_GPU_UTIL": "gpu_util_avg",
    "DCGM_FI_DEV_FB_USED": "fb_used_mib_avg",
    "DCGM_FI_DEV_FB_FREE": "fb_free_mib_avg",
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE": "gr_engine_active_avg",
    "DCGM_FI_PROF_SM_ACTIVE": "sm_active_avg",
}
_OLD_LABELS = {"pod_name": "pod", "pod_namespace": "namespace", "container_name": "container"}
_NOT_IDENTITY = {"prometheus_replica", "replica", "prometheus", "__replica__", "instance", "job", "endpoint"}
_TEXT_SUFFIXES = (".txt", ".prom", ".om", ".openmetrics")
_SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)(?:\s+(?P<ts>\S+))?\s*$"
)
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


@dataclass
class PrometheusReport:
    landed: list[LandedTelemetry] = field(default_factory=list)
    refused: str | None = None
    quarantined_to: Path | None = None
    warnings: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.refused is None


@dataclass
class _Samples:
    cluster: list[str] = field(default_factory=list)
    metric: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    ts: list[float] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    file: list[str] = field(default_factory=list)
    step: dict[str, int] = field(default_factory=dict)  # file -> scrape step (seconds)
    ignored_metrics: Counter = field(default_factory=Counter)
    pending_pod_series: int = 0
    hostname_spellings: Counter = field(default_factory=Counter)
    old_pod_label_series: int = 0


def _discover(inputs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix == ".json" or p.suffix in _TEXT_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError(path, None, "no such file or folder")
    if not files:
        raise IngestError(", ".join(map(str, inputs)), None, "no .json or OpenMetrics text files found")
    return files


def _number(file: Path, metric: str, raw: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise IngestError(file, metric, f"sample value {raw!r} is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise IngestError(file, metric, f"sample value {raw!r} is not a finite number (NaN or Inf)")
    return value


def _path_cluster(file: Path) -> str | None:
    for part in reversed(file.parts):
        if part.startswith("cluster="):
            return part.removeprefix("cluster=")
    return None


def _add_series(
    out: _Samples,
    file: Path,
    metric: str,
    labels: dict,
    values: list[tuple[float, float]],
    cluster: str | None,
) -> None:
    if metric not in KSM_METRICS and metric not in DCGM_METRICS:
        out.ignored_metrics[metric] += len(values)
        return
    labels = {k: v for k, v in labels.items() if v != "" and k not in _NOT_IDENTITY and k != "__name__"}
    name = labels.pop("cluster", None) or _path_cluster(file) or cluster
    if not name:
        raise IngestError(
            file,
            metric,
            "cannot tell the cluster: no `cluster` label, no cluster=<name> folder, no --cluster",
        )
    if metric in DCGM_METRICS:
        spelled = [k for k in ("hostname", "Hostname") if k in labels]
        if not spelled:
            raise IngestError(file, metric, "series without a `hostname` or `Hostname` label (run the exporter "
                              "without --no-hostname): its GPU cannot be tied to a node")  # fmt: skip
        out.hostname_spellings[spelled[0]] += 1
        for required in ("UUID", "gpu"):
            if required not in labels:
                raise IngestError(file, metric, f"series without the `{required}` label")
        if any(k in labels for k in _OLD_LABELS):
            out.old_pod_label_series += 1
        for old, new in _OLD_LABELS.items():
            if old in labels:
                labels.setdefault(new, labels.pop(old))
    elif metric.startswith("kube_node_") and "node" not in labels:
        raise IngestError(file, metric, "series without the `node` label")
    elif metric == "kube_pod_container_resource_requests" and "node" not in labels:
        out.pending_pod_series += 1  # a pending pod: no node capacity held
        return
    elif metric.startswith("kube_pod_") and "uid" not in labels:
        raise IngestError(file, metric, "series without the `uid` label (kube-state-metrics pod uid)")
    key = json.dumps(labels, sort_keys=True, separators=(",", ":"))
    for ts, value in values:
        out.cluster.append(name)
        out.metric.append(metric)
        out.labels.append(key)
        out.ts.append(ts)
        out.value.append(value)
        out.file.append(str(file))


def _read_json(out: _Samples, file: Path, cluster: str | None) -> list[float]:
    try:
        body = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(file, None, f"not valid JSON: {exc}") from None
    if not isinstance(body, dict) or body.get("status") != "success":
        status = body.get("status") if isinstance(body, dict) else type(body).__name__
        detail = body.get("error") if isinstance(body, dict) else None
        raise IngestError(file, "status", f"response status is {status!r}, not 'success'"
                          + (f" ({detail})" if detail else ""))  # fmt: skip
    data = body.get("data") or {}
    if data.get("resultType") != "matrix":
        raise IngestError(
            file, "resultType", f"resultType is {data.get('resultType')!r}: only range queries "
            "(/api/v1/query_range, resultType matrix) carry the samples an hourly mean needs"
        )  # fmt: skip
    times: list[float] = []
    for series in data.get("result") or []:
        labels = series.get("metric") or {}
        metric = labels.get("__name__")
        if not metric:
            raise IngestError(
                file, "metric", "a series without `__name__` (query the raw metric, not an expression)"
            )
        values = []
        for pair in series.get("values") or []:
            if not isinstance(pair, list) or len(pair) != 2:
                raise IngestError(file, metric, f'sample {pair!r} is not [unix_time, "value"]')
            values.append((_number(file, metric, pair[0]), _number(file, metric, pair[1])))
        times += [t for t, _ in values]
        _add_series(out, file, metric, labels, values, cluster)
    return times


def _unescape(value: str) -> str:
    """An OpenMetrics label value: `\\\\`, `\\"` and `\\n` escapes."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], value)


def _read_text(out: _Samples, file: Path, cluster: str | None) -> list[float]:
    series: dict[tuple[str, str], list[tuple[float, float]]] = {}
    labels_of: dict[tuple[str, str], dict] = {}
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(file, None, f"not UTF-8 text: {exc}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            raise IngestError(file, None, f"line {number}: not an OpenMetrics sample: {line[:120]!r}")
        metric = match["name"]
        if match["ts"] is None:
            raise IngestError(file, metric, f"line {number}: sample without a timestamp (only timestamped "
                              "exposition can be placed in an hour)")  # fmt: skip
        value = _number(file, metric, match["value"])
        ts = _number(file, metric, match["ts"])
        key = (metric, match["labels"] or "")
        if key not in series:  # parse each distinct label set once
            labels = dict(_LABEL.findall(key[1]))
            labels_of[key] = {k: _unescape(v) if "\\" in v else v for k, v in labels.items()}
        series.setdefault(key, []).append((ts, value))
    times: list[float] = []
    for key, values in series.items():
        times += [t for t, _ in values]
        _add_series(out, file, key[0], labels_of[key], values, cluster)
    return times


def _step(times: list[float]) -> int:
    """The scrape step of a file: the most common gap (>= 5 s) between consecutive distinct sample times."""
    distinct = sorted({round(t) for t in times})
    gaps = Counter(b - a for a, b in itertools.pairwise(distinct) if b - a >= 5)
    if not gaps:
        return 60
    return max(1, min(3600, gaps.most_common(1)[0][0]))


def read_samples(files: list[Path], cluster: str | None = None) -> _Samples:
    out = _Samples()
    for file in files:
        reader = _read_json if file.suffix == ".json" else _read_text
        times = reader(out, file, cluster)
        out.step[str(file)] = _step(times)
    return out


_PROVIDER_SQL = """
    case
        when provider_id like 'aws://%' then 'aws'
        when provider_id like 'azure://%' then 'azure'
        when provider_id like 'gce://%' then 'gcp'
    end
"""
# What the bill calls the node: EC2 instance id; Azure VMSS instance id (lower-cased); GCE instance name.
_RESOURCE_SQL = """
    case
        when provider_id like 'azure://%' then lower(substr(provider_id, 9))
        else regexp_extract(provider_id, '[^/]+$')
    end
"""
_BILLED_SQL = f"""
    case
        when provider_id like 'azure://%' and lower(provider_id) like '%/virtualmachines/%'
            then regexp_replace(lower(substr(provider_id, 9)), '/virtualmachines/[^/]+$', '')
        else {_RESOURCE_SQL}
    end
"""


def _aggregate(con: duckdb.DuckDBPyConnection, samples: _Samples) -> None:
    """Hourly tables (temp) from the samples: hourly_series, then one relation per landed table."""
    table = pa.table(
        {
            "cluster": samples.cluster,
            "metric": samples.metric,
            "labels": samples.labels,
            "ts": pa.array(samples.ts, pa.float64()),
            "value": pa.array(samples.value, pa.float64()),
            "file": samples.file,
        }
    )
    steps = pa.table({"file": list(samples.step), "step": list(samples.step.values())})
    con.execute("set enable_progress_bar = false")
    con.register("raw_samples", table)
    con.register("file_steps", steps)
    con.execute("""
        create or replace temp table slots as
        select
            s.cluster, s.metric, s.labels,
            cast(round(s.ts / f.step) * f.step as bigint) as slot,
            any_value(f.step) as step,
            avg(s.value) as value,
            string_agg(distinct s.file, ',' order by s.file) as files
        from raw_samples as s
        inner join file_steps as f on s.file = f.file
        group by all
    """)
    con.execute("""
        create or replace temp table hourly_series as
        select
            cluster, metric, labels,
            make_timestamp(cast(slot // 3600 * 3600 as bigint) * 1000000) as hour_start,
            avg(value) as value_avg,
            count(*) as sample_count,
            least(3600, sum(step)) as seconds_observed,
            min(slot) as first_slot,
            max(slot) as last_slot,
            string_agg(distinct files, ',') as files
        from slots
        group by all
    """)
    con.execute("""
        create or replace temp table node_provider as
        select
            cluster,
            json_extract_string(labels, '$.node') as node,
            arg_max(json_extract_string(labels, '$.provider_id'), last_slot) as provider_id
        from hourly_series
        where metric = 'kube_node_info'
        group by all
    """)
    con.execute(f"""
        create or replace temp table cluster_provider as
        select cluster, min({_PROVIDER_SQL}) as provider, count(distinct {_PROVIDER_SQL}) as providers
        from node_provider
        group by cluster
    """)
    con.execute(f"""
        create or replace temp table landed_nodes as
        with info as (
            select
                cluster,
                json_extract_string(labels, '$.node') as node,
                hour_start,
                arg_max(json_extract_string(labels, '$.provider_id'), last_slot) as provider_id,
                max(sample_count) as sample_count,
                max(seconds_observed) as seconds_observed,
                string_agg(distinct files, ',') as files
            from hourly_series
            where metric = 'kube_node_info'
            group by all
        ),
        node_labels as (
            select
                cluster,
                json_extract_string(labels, '$.node') as node,
                hour_start,
                arg_max(labels, last_slot) as labels
            from hourly_series
            where metric = 'kube_node_labels'
            group by all
        ),
        capacity as (
            select
                cluster,
                json_extract_string(labels, '$.node') as node,
                hour_start,
                max(value_avg) filter (where json_extract_string(labels, '$.resource') = 'nvidia_com_gpu') as gpu,
                max(value_avg) filter (where json_extract_string(labels, '$.resource') = 'cpu') as cpu,
                max(value_avg) filter (where json_extract_string(labels, '$.resource') = 'memory') as memory
            from hourly_series
            where metric = 'kube_node_status_capacity'
            group by all
        )
        select
            info.cluster,
            info.node,
            {_PROVIDER_SQL.replace("provider_id", "info.provider_id")} as provider,
            info.provider_id,
            {_RESOURCE_SQL.replace("provider_id", "info.provider_id")} as resource_id,
            {_BILLED_SQL.replace("provider_id", "info.provider_id")} as billed_resource_id,
            coalesce(
                json_extract_string(node_labels.labels, '$.label_node_kubernetes_io_instance_type'),
                json_extract_string(node_labels.labels, '$.label_beta_kubernetes_io_instance_type')
            ) as instance_type,
            json_extract_string(node_labels.labels, '$.label_nvidia_com_gpu_product') as gpu_product,
            try_cast(json_extract_string(node_labels.labels, '$.label_nvidia_com_gpu_count') as bigint)
                as gpu_count_label,
            capacity.gpu as gpu_capacity,
            try_cast(json_extract_string(node_labels.labels, '$.label_nvidia_com_gpu_replicas') as bigint)
                as gpu_replicas_label,
            json_extract_string(node_labels.labels, '$.label_nvidia_com_gpu_sharing_strategy')
                as gpu_sharing_strategy_label,
            json_extract_string(node_labels.labels, '$.label_nvidia_com_mig_strategy') as mig_strategy_label,
            capacity.cpu as cpu_capacity_cores,
            capacity.memory as memory_capacity_bytes,
            node_labels.labels as labels,
            info.hour_start,
            info.sample_count,
            cast(info.seconds_observed as double) as seconds_observed,
            info.files as _source_file
        from info
        left join node_labels using (cluster, node, hour_start)
        left join capacity using (cluster, node, hour_start)
    """)
    con.execute("""
        create or replace temp table landed_requests as
        select
            h.cluster,
            p.provider,
            json_extract_string(h.labels, '$.node') as node,
            json_extract_string(h.labels, '$.namespace') as namespace,
            json_extract_string(h.labels, '$.pod') as pod,
            json_extract_string(h.labels, '$.uid') as pod_uid,
            json_extract_string(h.labels, '$.container') as container,
            json_extract_string(h.labels, '$.resource') as resource,
            json_extract_string(h.labels, '$.unit') as unit,
            h.value_avg as requested_avg,
            h.hour_start,
            h.sample_count,
            cast(h.seconds_observed as double) as seconds_observed,
            h.files as _source_file
        from hourly_series as h
        left join cluster_provider as p using (cluster)
        where h.metric = 'kube_pod_container_resource_requests'
    """)
    con.execute("""
        create or replace temp table landed_pod_labels as
        with pods as (
            select
                cluster,
                json_extract_string(labels, '$.uid') as pod_uid,
                cast(hour_start as date) as day,
                arg_max(json_extract_string(labels, '$.namespace'), last_slot) as namespace,
                arg_max(json_extract_string(labels, '$.pod'), last_slot) as pod,
                arg_max(labels, last_slot) filter (where metric = 'kube_pod_labels') as pod_labels,
                arg_max(labels, last_slot) filter (where metric = 'kube_pod_info') as info,
                make_timestamp(min(first_slot) * 1000000) as first_seen,
                make_timestamp(max(last_slot) * 1000000) as last_seen,
                string_agg(distinct files, ',') as files
            from hourly_series
            where metric in ('kube_pod_labels', 'kube_pod_info')
            group by all
        )
        select
            pods.cluster,
            p.provider,
            pods.namespace,
            pods.pod,
            pods.pod_uid,
            json_extract_string(pods.info, '$.node') as node,
            pods.pod_labels as labels,
            nullif(json_extract_string(pods.info, '$.created_by_kind'), '<none>') as owner_kind,
            nullif(json_extract_string(pods.info, '$.created_by_name'), '<none>') as owner_name,
            pods.first_seen,
            pods.last_seen,
            pods.day,
            pods.files as _source_file
        from pods
        left join cluster_provider as p using (cluster)
    """)
    select = ",\n".join(
        f"avg(value_avg) filter (where metric = '{m}') as {col}" for m, col in DCGM_METRICS.items()
    )
    con.execute(f"""
        create or replace temp table dcgm_slots as
        select
            cluster,
            json_extract_string(labels, '$.hostname') as hostname,
            json_extract_string(labels, '$.Hostname') as hostname_legacy,
            json_extract_string(labels, '$.UUID') as gpu_uuid,
            json_extract_string(labels, '$.gpu') as gpu_index,
            json_extract_string(labels, '$.modelName') as model_name,
            json_extract_string(labels, '$.GPU_I_ID') as gpu_instance_id,
            json_extract_string(labels, '$.GPU_I_PROFILE') as gpu_instance_profile,
            json_extract_string(labels, '$.namespace') as namespace,
            json_extract_string(labels, '$.pod') as pod,
            json_extract_string(labels, '$.container') as container,
            metric, slot, step, value, files
        from slots
        where metric in ({", ".join(f"'{m}'" for m in DCGM_METRICS)})
    """)
    keys = (
        "cluster, hostname, hostname_legacy, gpu_uuid, gpu_index, model_name, gpu_instance_id, "
        "gpu_instance_profile, namespace, pod, container"
    )
    con.execute(f"""
        create or replace temp table landed_dcgm as
        select
            {keys},
            cast(null as varchar) as provider,
            make_timestamp(cast(slot // 3600 * 3600 as bigint) * 1000000) as hour_start,
            count(distinct slot) as sample_count,
            cast(least(3600, count(distinct slot) * max(step)) as double) as seconds_observed,
            {select.replace("avg(value_avg)", "avg(value)")},
            string_agg(distinct files, ',') as _source_file
        from dcgm_slots
        group by all
    """)


def _landed_providers(raw_root: Path) -> dict[str, str]:
    """Provider of every cluster that already has kube-state-metrics landed (for DCGM-only ingests)."""
    files = sorted((raw_root / "telemetry" / "k8s").glob("cluster=*/day=*/delivery=*/nodes.parquet"))
    if not files:
        return {}
    con = duckdb.connect()
    try:
        rows = con.execute(
            "select cluster, min(provider) from read_parquet(?) where provider is not null group by cluster",
            [[str(f) for f in files]],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def _pod_labels_json(series_labels: str | None) -> str:
    """kube_pod_labels' `label_*` labels as a JSON object without the prefix (`{}` for a pod without any)."""
    labels = json.loads(series_labels) if series_labels else {}
    kept = {k.removeprefix("label_"): v for k, v in labels.items() if k.startswith("label_")}
    return json.dumps(kept, sort_keys=True, separators=(",", ":"))


def _rows_by_key(con: duckdb.DuckDBPyConnection, relation: str, day_sql: str, columns: list[str]) -> dict:
    wanted = [c for c in columns if c != "cluster" and not c.startswith("_")] + ["_source_file"]
    sql = f"select cluster, cast({day_sql} as varchar) as day_key, {', '.join(wanted)} from {relation}"
    out: dict[tuple[str, str], list[dict]] = {}
    for row in con.sql(sql).to_arrow_table().to_pylist():
        key = (row.pop("cluster"), row.pop("day_key"))
        row["cluster"] = key[0]
        if relation == "landed_pod_labels":
            row["labels"] = _pod_labels_json(row["labels"])
        out.setdefault(key, []).append(row)
    return out


def ingest_prometheus(
    inputs: list[Path],
    *,
    cluster: str | None = None,
    provider: str | None = None,
    raw_root: Path | None = None,
    db_path: Path | None = None,
    loaded_at: datetime | None = None,
) -> PrometheusReport:
    """Land every cluster x UTC day the files hold (kube-state-metrics and DCGM), replacing what was landed
    for those cluster-days. All or nothing: a refused file lands nothing and is copied to the quarantine."""
    raw_root = raw_root or paths.raw_root()
    report = PrometheusReport()
    files: list[Path] = []
    try:
        files = _discover([Path(p) for p in inputs])
        samples = read_samples(files, cluster)
        con = duckdb.connect()
        try:
            _aggregate(con, samples)
            quality = current_session()
            quality.check(
                quality_prometheus.RANGES,
                quality_prometheus.range_facts(con, "raw_samples"),
                files[0],
                run_name=f"prometheus ({len(files)} files)",
            )
            problems = con.execute(
                "select cluster from cluster_provider where providers > 1 or provider is null"
            ).fetchall()
            if problems:
                raise IngestError(files[0], "provider_id", f"cluster {problems[0][0]!r}: nodes of several "
                                  "providers, or a providerID that is not aws://, azure:// or gce://")  # fmt: skip
            known = {**_landed_providers(raw_root), **dict(con.execute(
                "select cluster, provider from cluster_provider").fetchall())}  # fmt: skip
            missing = [
                c
                for (c,) in con.execute("select distinct cluster from landed_dcgm").fetchall()
                if c not in known
            ]
            if missing and not provider:
                raise IngestError(files[0], "provider", f"DCGM series of cluster {missing[0]!r} and no "
                                  "kube-state-metrics (kube_node_info) for it, landed or in these files: "
                                  "pass --provider")  # fmt: skip
            con.register(
                "known_providers", pa.table({"cluster": list(known), "provider": list(known.values())})
            )
            con.execute(
                "update landed_dcgm set provider = coalesce((select k.provider from known_providers as k "
                "where k.cluster = landed_dcgm.cluster), ?)",
                [provider],
            )
            k8s_tables = [
                (schema.K8S_NODES, _rows_by_key(con, "landed_nodes", "cast(hour_start as date)",
                                                list(schema.K8S_NODES.columns))),
                (schema.K8S_POD_REQUESTS, _rows_by_key(con, "landed_requests", "cast(hour_start as date)",
                                                       list(schema.K8S_POD_REQUESTS.columns))),
                (schema.K8S_POD_LABELS, _rows_by_key(con, "landed_pod_labels", "day",
                                                     list(schema.K8S_POD_LABELS.columns))),
            ]  # fmt: skip
            dcgm_rows = _rows_by_key(
                con, "landed_dcgm", "cast(hour_start as date)", list(schema.DCGM_GPU_METRICS.columns)
            )
            report.facts = {
                "files": len(files),
                "samples": len(samples.ts),
                "slots_after_dedup": con.execute("select count(*) from slots").fetchone()[0],
                "ignored_metrics": dict(samples.ignored_metrics),
                "pending_pod_series": samples.pending_pod_series,
                "hostname_label_series": dict(samples.hostname_spellings),
                "old_pod_label_series": samples.old_pod_label_series,
                "steps": sorted(set(samples.step.values())),
            }
        finally:
            con.close()
    except IngestError as exc:
        report.refused = str(exc)
        report.quarantined_to = quarantine(
            [Path(exc.file)] if Path(exc.file).is_file() else files,
            str(exc),
            paths.quarantine_root_for(raw_root),
        )
        return report
    loaded_at = loaded_at or utc_now()
    source_files = _source_files([t for _, t in k8s_tables] + [dcgm_rows])
    if any(rows for _, rows in k8s_tables):
        report.landed += land_together(
            k8s_tables, source_files, raw_root=raw_root, loaded_at=loaded_at, extra_metadata=report.facts
        )
    if dcgm_rows:
        report.landed += land_together(
            [(schema.DCGM_GPU_METRICS, dcgm_rows)], source_files, raw_root=raw_root, loaded_at=loaded_at,
            extra_metadata=report.facts,
        )  # fmt: skip
    if samples.pending_pod_series:
        report.warnings.append(
            f"{samples.pending_pod_series} kube_pod_container_resource_requests series without a node "
            "(pending pods) were not landed: they hold no node capacity"
        )
    if samples.ignored_metrics:
        report.warnings.append(f"metrics not used, not landed: {', '.join(sorted(samples.ignored_metrics))}")
    refresh(db_path or paths.duckdb_path(), raw_root)
    return report


def _source_files(tables: list[dict]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for rows_by_key in tables:
        for key, rows in rows_by_key.items():
            for row in rows:
                out.setdefault(key, set()).update((row.get("_source_file") or "").split(","))
    return {k: sorted(v - {""}) for k, v in out.items()}
