"""Managed ML (SageMaker, Vertex AI, Azure ML) and MLflow end to end: the session's built world (`pipeline_world`:
the three billing generators and the managed-ML generator, with a real SQLite MLflow tracking store built with the
MLflow client, all landed and built) holds each job's and endpoint's allocated cost per billing period as the
generator's truth says, within $0.01, and passes this issue's data tests. The generated managed-ML files land in a
small world of their own; bad input is refused with the file, the field and the problem, and nothing landed
before changes."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import World, failed_nodes

from ai_finops.errors import IngestError
from ai_finops.ingest import managed_ml, mlflow_extract

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def managed(pipeline_world, dbt):
    """The shared built world (read-only) and this issue's data tests run on it again (`dbt test` only reads)."""
    world = pipeline_world
    tests = dbt(
        world,
        "test",
        "--indirect-selection",
        "empty",
        "--select",
        "path:models/staging/mlflow",
        "path:models/staging/sagemaker",
        "path:models/staging/vertex",
        "path:models/staging/azureml",
        "path:models/intermediate/attribution/_attribution__managed_ml_models.yml",
        "assert_managed_ml_allocation_conserves_focus_cost",
        "--exclude-resource-type",
        "unit_test",
    )
    return {"world": world, "demo": world.generated, "tests": tests, "truth": world.truth("managed_ml")}


@pytest.fixture(scope="module")
def landed(tmp_path_factory, managed):
    """A small world of its own holding every generated managed-ML file (ingest only, no dbt): the refusals
    below must leave it untouched."""
    world = World(tmp_path_factory.mktemp("managed_ml_landed"))
    with world.active():
        report = managed_ml.ingest([managed["demo"] / "managed_ml"])
    return {"world": world, "report": report}


def test_everything_lands_and_builds(managed, landed):
    assert landed["report"].ok, landed["report"].refused
    assert set(landed["report"].files_by_kind) == set(managed_ml.KINDS)
    runs = managed["world"].query("select count(distinct run_id) from raw_telemetry.mlflow_runs")[0][0]
    assert runs == len(managed["truth"]["mlflow_runs"])
    assert managed["tests"].success, failed_nodes(managed["tests"])
    assert managed["tests"].result, "no managed-ML data tests ran"


def test_allocation_matches_the_generators_truth(managed):
    world = managed["world"]
    got = {
        (key, period): (Decimal(effective), Decimal(billed))
        for key, period, effective, billed in world.query(
            "select workload_key, strftime(billing_period_start, '%Y-%m'), sum(effective_cost), sum(billed_cost) "
            "from main_intermediate.int_managed_ml_costs_allocated_to_workloads "
            "where workload_key is not null group by all"
        )
    }
    truth = managed["truth"]["workloads"]
    providers = {entry["provider"] for entry in truth}
    assert providers == {"aws", "gcp", "azure"}
    assert {k.split(":")[0] for k, _ in got} >= {
        "sagemaker-training",
        "sagemaker-endpoint",
        "vertex-job",
        "vertex-endpoint",
        "azureml-endpoint",
    }
    problems = []
    for entry in truth:
        key = entry["workload_key"]
        key = key.lower() if key.startswith("sagemaker") else key
        effective, billed = got.pop((key, entry["billing_period"]), (None, None))
        # GCP rows under the flexible CUD: FOCUS EffectiveCost is the commitment's share, so compare billed.
        column, value = ("billed_cost", billed) if entry.get("cud_covered") else ("effective_cost", effective)
        if value is None or abs(value - Decimal(entry[column])) > CENT:
            problems.append((key, entry["billing_period"], column, entry[column], value))
    assert not problems, problems
    assert not got, f"allocated to workloads the truth does not know: {got}"


def test_unmatched_rows_stay_unallocated_and_sagemaker_spot_is_recorded(managed):
    world = managed["world"]
    methods = dict(
        world.query(
            "select allocation_method, count(*) from main_intermediate.int_managed_ml_costs_allocated_to_workloads "
            "group by all"
        )
    )
    assert methods.get("managed_whole_instance") and methods.get("managed_endpoint")
    # Azure ML compute-cluster lines name no job on the bill: kept, as unallocated.
    assert world.query(
        "select count(*) from main_intermediate.int_managed_ml_costs_allocated_to_workloads "
        "where allocation_method = 'no_telemetry' and cost_class = 'unallocated' and workload_key is null"
    )[0][0] == methods.get("no_telemetry", 0)
    spot = world.query(
        "select bool_and(x_managed_spot), min(x_spot_savings_ratio), count(run_id), count(experiment_name) "
        "from main_intermediate.int_managed_ml_costs_allocated_to_workloads "
        "where workload_key like 'sagemaker-training:%vit-detector-l%'"
    )[0]
    if spot[0] is not None:
        assert spot[0] is True and spot[1] > 0 and spot[2] == spot[3] > 0


def test_mlflow_runs_roll_up_to_their_sweep_parent(managed):
    world = managed["world"]
    rows = world.query(
        "select run_id, parent_run_id, root_run_id, gpu_hours, rolled_up_gpu_hours, descendant_run_count "
        "from main_intermediate.int_mlflow__runs_rolled_up"
    )
    assert len(rows) == len(managed["truth"]["mlflow_runs"])
    by_id = {r[0]: r for r in rows}
    truth_parents = {r["run_id"]: r["parent_run_id"] for r in managed["truth"]["mlflow_runs"]}
    for run_id, parent, root, _hours, _rolled, _n in rows:
        assert parent == truth_parents[run_id]
        assert root == (parent or run_id)
    for parent in {p for p in truth_parents.values() if p}:
        children = [r for r in rows if r[1] == parent]
        assert by_id[parent][5] == len(children)
        assert abs(by_id[parent][4] - sum(c[3] for c in children)) < 1e-6
    gpus = world.query(
        "select min(gpu_count_seen) from main_staging.stg_mlflow__runs where parent_run_id is not null"
    )
    assert gpus[0][0] is None or gpus[0][0] > 0


# -- bad input ---------------------------------------------------------------------------------------------


def _sample(demo: Path, folder: str) -> Path:
    return sorted((demo / "managed_ml" / folder).glob("*.json"))[0]


@pytest.fixture(scope="module")
def bad_world(landed):
    """The world holding the good managed-ML deliveries, for refusals to leave untouched."""
    assert landed["report"].ok
    return landed["world"]


def _refused(world: World, tmp: Path, name: str, document) -> str:
    path = tmp / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    before = world.landing_snapshot()
    with world.active():
        report = managed_ml.ingest([path])
    assert not report.ok
    assert world.landing_snapshot() == before, "a refused ingest changed the landing zone"
    assert report.refused[0][2] is not None and (report.refused[0][2] / "REASON.json").exists()
    return report.refused[0][1]


def test_bad_input_is_refused_with_file_field_and_problem(bad_world, managed, tmp_path):
    demo = managed["demo"]
    job = json.loads(_sample(demo, "sagemaker/training_jobs").read_text())["TrainingJobs"][0]

    message = _refused(bad_world, tmp_path, "broken.json", "{not json")
    assert "broken.json" in message and "not valid JSON" in message

    message = _refused(bad_world, tmp_path, "unknown.json", {"hello": "world"})
    assert "unknown.json" in message and "not a managed-ML JSON shape" in message

    no_type = json.loads(json.dumps(job))
    del no_type["ResourceConfig"]["InstanceType"]
    message = _refused(bad_world, tmp_path, "no_type.json", no_type)
    assert "no_type.json" in message and "'ResourceConfig.InstanceType'" in message and "missing" in message

    bad_arn = {**job, "TrainingJobArn": "arn:aws:ec2:us-east-1:123:instance/i-0"}
    message = _refused(bad_world, tmp_path, "bad_arn.json", bad_arn)
    assert "'TrainingJobArn'" in message and "not a SageMaker training-job ARN" in message

    spot = {
        **job,
        "EnableManagedSpotTraining": True,
        "TrainingTimeInSeconds": 100,
        "BillableTimeInSeconds": 200,
    }
    message = _refused(bad_world, tmp_path, "spot.json", {"TrainingJobs": [spot]})
    assert "'TrainingJobs[0].BillableTimeInSeconds'" in message and "more than" in message

    clock = {**job, "TrainingStartTime": "2026-10-02T00:00:00Z", "TrainingEndTime": "2026-10-01T00:00:00Z"}
    message = _refused(bad_world, tmp_path, "clock.json", clock)
    assert "'TrainingEndTime'" in message and "before it starts" in message

    metrics = json.loads(_sample(demo, "azureml/metrics").read_text())
    metrics["value"][0]["timeseries"][0]["metadatavalues"] = []
    message = _refused(bad_world, tmp_path, "no_deployment.json", metrics)
    assert "metadatavalues" in message and "deployment" in message

    series = json.loads(_sample(demo, "vertex/monitoring").read_text())
    series["timeSeries"][0]["points"][0]["value"] = {"int64Value": "-3"}
    message = _refused(bad_world, tmp_path, "negative.json", series)
    assert "timeSeries[0].points[0].value" in message and "negative" in message


def test_duplicates_collapse_and_conflicts_are_refused(bad_world, managed, tmp_path):
    source = _sample(managed["demo"], "sagemaker/training_jobs")
    copy = tmp_path / "copy.json"
    shutil.copy(source, copy)
    with bad_world.active():
        assert managed_ml.ingest([source, copy]).ok  # the same job twice, identical: one row
    count = bad_world.query(
        "select count(*), count(distinct training_job_arn) from raw_telemetry.sagemaker_training_jobs"
    )
    assert count[0][0] == count[0][1]
    changed = json.loads(source.read_text())
    changed["TrainingJobs"][0]["BillableTimeInSeconds"] += 3600
    conflict = tmp_path / "conflict.json"
    conflict.write_text(json.dumps(changed))
    before = bad_world.landing_snapshot()
    with bad_world.active():
        report = managed_ml.ingest([source, conflict])
    assert not report.ok and "different values" in report.refused[0][1]
    assert bad_world.landing_snapshot() == before


def test_unreadable_tracking_store_is_refused(tmp_path):
    with pytest.raises(IngestError, match="no such tracking store"):
        mlflow_extract.snapshot(f"sqlite:///{tmp_path}/missing/dir/mlflow.db")
