"""Kubernetes GPU telemetry: the generator's Prometheus files (query_range JSON and one OpenMetrics cluster-day)
land by cluster x UTC day through `ingest prometheus`, and the staging models hold the generator's numbers:
node-hours (gaps and partial hours included), pod requests, per-pod GPU_UTIL and device metrics, both hostname
spellings, old pod label names, de-duplicated samples. Bad input is refused naming file, metric and problem,
and nothing landed changes. The truth file conserves every node-day's cost."""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import World, failed_nodes

from ai_finops.generate.k8s_telemetry import _mig_share, build_world, expected_hourly
from ai_finops.ingest.prometheus import ingest_prometheus

MODELS = (
    "stg_k8s__nodes_hourly",
    "stg_k8s__pod_resource_requests_hourly",
    "stg_k8s__pod_labels",
    "stg_dcgm__gpu_metrics_hourly",
)


@pytest.fixture(scope="module")
def k8s(tmp_path_factory, pipeline_world, dbt):
    """The session's built world (read-only; its staging models' data tests run on it again: `dbt test` only
    reads), the generator's world rebuilt from the parameters its truth records, and a small world of this
    module's own where the same telemetry lands twice (ingest only) and bad input is refused."""
    truth = pipeline_world.truth("k8s_workloads")
    params = truth["generator"]
    generated = build_world(
        params["seed"], params["scale"], params["months"], params["last_period"], params["days"]
    )
    telemetry = pipeline_world.generated / "telemetry" / "prometheus"
    landed = World(tmp_path_factory.mktemp("k8s_telemetry"))
    with landed.active():
        first = ingest_prometheus([telemetry], raw_root=landed.raw_root, db_path=landed.db_path)
        raw_first = _raw_rows(landed)
        second = ingest_prometheus([telemetry], raw_root=landed.raw_root, db_path=landed.db_path)
    build = dbt(pipeline_world, "test", "--select", *MODELS, "--exclude-resource-type", "unit_test")
    return {
        "world": pipeline_world,
        "landed_world": landed,
        "telemetry": telemetry,
        "generated": generated,
        "expected": expected_hourly(generated),
        "truth": truth,
        "first": first,
        "second": second,
        "raw_first": raw_first,
        "build": build,
    }


def _raw_rows(world: World) -> dict[str, int]:
    views = (
        "k8s_nodes_hourly",
        "k8s_pod_resource_requests_hourly",
        "k8s_pod_labels",
        "dcgm_gpu_metrics_hourly",
    )
    return {v: world.query(f"select count(*) from raw_telemetry.{v}")[0][0] for v in views}


def test_every_cluster_day_lands_and_the_staging_models_pass(k8s):
    assert k8s["first"].ok, k8s["first"].refused
    assert k8s["build"].success, failed_nodes(k8s["build"])
    keys = {(landed.key.folder, dict(landed.key.key)["cluster"]) for landed in k8s["first"].landed}
    clusters = set(k8s["truth"]["clusters"])
    assert keys == {(kind, c) for kind in ("k8s", "dcgm") for c in clusters}
    # both shapes were read: one cluster-day came as OpenMetrics text
    text_days = k8s["world"].query(
        "select count(*) from main_staging.stg_k8s__nodes_hourly as n "
        "inner join raw_telemetry.k8s_nodes_hourly as r on r._delivery_id = n.delivery_id "
        "where r._source_file like '%.txt%'"
    )
    assert text_days[0][0] > 0


def test_re_ingest_replaces_and_is_idempotent(k8s):
    assert k8s["second"].ok
    assert all(landed.replaced for landed in k8s["second"].landed)
    assert _raw_rows(k8s["landed_world"]) == k8s["raw_first"]
    archived = list((k8s["landed_world"].data_root / "archive" / "telemetry").rglob("_delivery.json"))
    assert len(archived) == len(k8s["first"].landed)


def test_node_hours_match_the_generator(k8s):
    rows = k8s["world"].query(
        "select cluster, node, hour_start, seconds_observed from main_staging.stg_k8s__nodes_hourly"
    )
    landed = {(c, n, h.replace(tzinfo=None)): s for c, n, h, s in rows}
    expected = {(c, n, h.replace(tzinfo=None)): s for (c, n, h), s in k8s["expected"]["node_hours"].items()}
    assert landed == expected
    # the metrics gap is missing and a Spot node's partial hour is less than 3600 s
    gaps = [h for n in k8s["generated"].nodes for h in n.gap_hours]
    assert gaps and all((n.cluster, n.name, h.replace(tzinfo=None)) not in landed for n in k8s["generated"].nodes
                        for h in n.gap_hours)  # fmt: skip
    assert any(s < 3600 for s in landed.values())


def test_nodes_carry_the_bill_keys_and_sharing_modes(k8s):
    rows = k8s["world"].query(
        "select distinct cluster, node, provider, resource_id, billed_resource_id, instance_type, gpu_sharing, "
        "gpu_count, gpu_replicas from main_staging.stg_k8s__nodes_hourly"
    )
    by_node = {(r[0], r[1]): r for r in rows}
    for node in k8s["generated"].nodes:
        row = by_node[(node.cluster, node.name)]
        assert row[2] == node.provider
        assert row[5] == node.instance_type
        assert row[6] == node.sharing
        assert row[7] == node.gpu_count
        if node.billed_resource_id:
            assert row[4] == node.billed_resource_id.lower()
    assert {r[6] for r in rows} == {"exclusive", "mig", "time_slicing", "mps"}
    assert {r[8] for r in rows if r[6] in ("time_slicing", "mps")} == {4}
    on_bill = {n["node"] for n in k8s["truth"]["nodes"] if n["billed_resource_id"]}
    assert {r[1] for r in rows} - on_bill == {"ip-10-42-9-200.ec2.internal"}  # telemetry only, not billed


def test_pod_requests_match_the_generator(k8s):
    rows = k8s["world"].query(
        "select cluster, pod_uid, resource, hour_start, requested, seconds_observed, mig_profile "
        "from main_staging.stg_k8s__pod_resource_requests_hourly where resource not in ('cpu', 'memory')"
    )
    landed = {(c, u, r, h.replace(tzinfo=None)): q for c, u, r, h, q, _, _ in rows}
    expected = {
        (c, u, r, h.replace(tzinfo=None)): q
        for (c, u, r, h), q in k8s["expected"]["pod_gpu_requests"].items()
    }
    assert landed == expected
    assert {p for *_, p in rows if p} >= {"3g.40gb", "2g.20gb", "1g.10gb"}
    memory = k8s["world"].query(
        "select min(requested), max(requested) from main_staging.stg_k8s__pod_resource_requests_hourly "
        "where resource = 'memory'"
    )[0]
    assert 1 <= memory[0] <= memory[1] <= 64  # GiB, not bytes


def test_per_pod_gpu_util_and_device_metrics_are_the_generators_hourly_values(k8s):
    pods = {(p.cluster, p.name): p for p in k8s["generated"].pods}
    rows = k8s["world"].query(
        "select cluster, pod, hour_start, gpu_util_avg, gr_engine_active_avg, sample_count, gpu_instance_id "
        "from main_staging.stg_dcgm__gpu_metrics_hourly where pod is not null"
    )
    assert rows
    for cluster, pod, hour, util, engine, samples, instance in rows:
        truth = pods[(cluster, pod)].util[hour.replace(tzinfo=UTC)]
        if instance is not None:  # MIG: no GPU_UTIL on a GPU instance, PROF per instance
            assert util is None and engine == pytest.approx(truth / 100)
        else:
            assert util == pytest.approx(truth)
        assert samples <= 12  # 5-minute slots: duplicates and the skewed replica did not add samples
    shared = k8s["world"].query(
        "select count(*) from main_staging.stg_dcgm__gpu_metrics_hourly "
        "where pod is not null and gr_engine_active_avg is null and gpu_util_avg is not null"
    )[0][0]
    assert shared > 0  # per-pod GPU_UTIL without PROF metrics: virtual-GPU mode on the time-sliced pool


def test_hostname_spellings_and_old_pod_labels_are_read(k8s):
    spellings = {r[0] for r in k8s["world"].query(
        "select distinct hostname_label from main_staging.stg_dcgm__gpu_metrics_hourly")}  # fmt: skip
    assert spellings == {"hostname", "Hostname"}
    mig_pods = k8s["world"].query(
        "select count(*) from main_staging.stg_dcgm__gpu_metrics_hourly "
        "where gpu_instance_id is not null and pod is not null and namespace is not null"
    )[0][0]
    assert mig_pods > 0  # pod_name / pod_namespace on the old exporter became pod / namespace
    assert k8s["first"].facts["old_pod_label_series"] > 0
    assert k8s["first"].facts["samples"] > k8s["first"].facts["slots_after_dedup"]


def test_pod_labels_latest_per_pod_and_a_pod_without_labels(k8s):
    rows = k8s["world"].query(
        "select pod, labels, owner_kind, owner_name from main_staging.stg_k8s__pod_labels"
    )
    assert len(rows) == len({p.uid for p in k8s["generated"].pods})
    bare = [r for r in rows if r[1] == "{}"]
    assert bare and all(r[2] is None for r in bare)
    labelled = [json.loads(r[1]) for r in rows if r[1] != "{}"]
    assert any("team" in labels and "model" in labels for labels in labelled)
    assert any("team" in labels and "model" not in labels for labels in labelled)


def test_truth_conserves_every_node_day(k8s):
    truth = k8s["truth"]
    for day in truth["node_days"]:
        parts = Decimal(day["allocated"]) + Decimal(day["idle"]) + Decimal(day["unallocated"])
        assert abs(parts - Decimal(day["effective_cost"])) <= Decimal("0.000001"), day
    allocated = sum(Decimal(w["effective_cost"]) for w in truth["workloads"])
    assert abs(allocated - Decimal(truth["totals"]["allocated"])) <= Decimal("0.000001")
    # The EKS nodes' metrics gap is covered by their split cost rows (aws_scad): nothing is left unallocated.
    assert Decimal(truth["totals"]["unallocated"]) == 0
    methods = {m for w in truth["workloads"] for m in w["allocation_methods"]}
    assert methods >= {"aws_scad", "mig_slice", "time_sliced_by_use", "time_sliced_even", "mps_even"}
    classes = {w["workload_class"] for w in truth["workloads"]}
    assert classes >= {"training", "inference", "notebook", "unclassified"}
    assert all(w["run_id"] for w in truth["workloads"] if w["workload_class"] == "training")


def test_truth_shares_follow_the_rules(k8s):
    """Even split by replica (unrequested replicas idle) and MIG layouts above one GPU scaled to 1."""
    world = k8s["generated"]
    truth = k8s["truth"]
    mps = [n for n in world.nodes if n.sharing == "mps"]
    assert mps and all(n.replicas == 4 for n in mps)
    # every MPS pod-hour pays 1/4 of the GPU: its GPU-hours allocated are its hours / 4
    hours = {}
    for pod in world.pods:
        node = next(n for n in world.nodes if (n.cluster, n.name) == (pod.cluster, pod.node))
        if node.sharing == "mps":
            held = sum(Decimal(node.seconds[h]) / 3600 for h in pod.hours)
            hours[pod.workload_key()] = hours.get(pod.workload_key(), Decimal(0)) + held
    for w in truth["workloads"]:
        if w["workload_key"] in hours:
            assert abs(Decimal(w["gpu_hours_allocated"]) - hours[w["workload_key"]] / 4) < Decimal("1e-9")
    assert any(sum(_mig_share(p) for p in n.mig_layout) > 1 for n in world.nodes if n.sharing == "mig")
    eks = [w for w in truth["workloads"] if w["allocation_methods"] == ["aws_scad"]]
    assert eks and all(w["gpu_cost"] == "0E-10" and Decimal(w["effective_cost"]) > 0 for w in eks)


def _bad(tmp: Path, name: str, body: str) -> Path:
    folder = tmp / "cluster=bad-cluster"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body)
    return path


def _matrix(metric: str, labels: dict, values: list) -> str:
    series = {"metric": {"__name__": metric, **labels}, "values": values}
    return json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [series]}})


_DCGM = {"gpu": "0", "UUID": "GPU-1", "hostname": "node-a", "modelName": "NVIDIA A10G"}


@pytest.mark.parametrize(
    ("name", "body", "column", "problem"),
    [
        ("broken.json", '{"status": "success", "data": {', None, "not valid JSON"),
        ("vector.json", json.dumps({"status": "success", "data": {"resultType": "vector", "result": []}}),
         "resultType", "resultType is 'vector'"),
        ("error.json", json.dumps({"status": "error", "errorType": "bad_data", "error": "parse error"}),
         "status", "not 'success'"),
        ("text_value.json", _matrix("DCGM_FI_DEV_GPU_UTIL", _DCGM, [[1790000000, "high"]]),
         "DCGM_FI_DEV_GPU_UTIL", "is not a number"),
        ("nan.json", _matrix("DCGM_FI_DEV_GPU_UTIL", _DCGM, [[1790000000, "NaN"]]),
         "DCGM_FI_DEV_GPU_UTIL", "NaN"),
        ("util_over.json", _matrix("DCGM_FI_DEV_GPU_UTIL", _DCGM, [[1790000000, "140"]]),
         "DCGM_FI_DEV_GPU_UTIL", "outside the range (must be between 0 and 100)"),
        ("ratio_over.json", _matrix("DCGM_FI_PROF_GR_ENGINE_ACTIVE", _DCGM, [[1790000000, "1.5"]]),
         "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "outside the range (must be between 0 and 1)"),
        ("no_host.json", _matrix("DCGM_FI_DEV_FB_USED", {"gpu": "0", "UUID": "GPU-1"}, [[1790000000, "10"]]),
         "DCGM_FI_DEV_FB_USED", "hostname"),
        ("no_node.json", _matrix("kube_node_info", {"provider_id": "aws:///x/i-1"}, [[1790000000, "1"]]),
         "kube_node_info", "`node`"),
        ("untimed.txt", 'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-1",hostname="a"} 5\n# EOF\n',
         "DCGM_FI_DEV_GPU_UTIL", "without a timestamp"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_landed_changes(k8s, tmp_path, name, body, column, problem):
    world = k8s["landed_world"]
    bad = _bad(tmp_path, name, body)
    before = world.landing_snapshot()
    with world.active():
        report = ingest_prometheus([k8s["telemetry"] / "query_range" / "cluster=aks-genai-eu", bad],
                                   raw_root=world.raw_root, db_path=world.db_path)  # fmt: skip
    assert not report.ok and not report.landed
    assert str(bad) in report.refused
    assert problem in report.refused
    if column:
        assert repr(column) in report.refused
    assert report.quarantined_to is not None and (report.quarantined_to / "REASON.json").exists()
    assert world.landing_snapshot() == before
