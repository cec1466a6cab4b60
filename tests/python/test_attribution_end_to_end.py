"""End to end on generated data for all providers: billing (AWS CUR 2.0, Azure cost details, GCP billing export),
Kubernetes GPU telemetry (Prometheus query_range JSON and OpenMetrics text) and managed ML (SageMaker, Vertex AI,
Azure ML, an MLflow tracking store), generated, ingested and built once per session (`pipeline_world`: the world
`make test` built, or a tiny one); fct_workload_costs_daily must reconcile to focus_cost_and_usage per billing
account x period x currency, and each generated workload's cost (per workload, over the resource cost classes)
must equal the generator's truth (truth/k8s_workloads.json, truth/managed_ml.json) within $0.01. Prints the
shares of GPU cost attributed, idle and unallocated."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from conftest import World, failed_nodes

CENT = Decimal("0.01")
MARTS = ("fct_workload_costs_daily", "dim_ml_workloads", "dim_gpu_fleet", "fct_gpu_utilization_by_workload")
# Cost classes the generators' truth covers: the workload's share of its instances or managed lines. Hidden
# costs (storage, transfer, tracking storage, preprocessing) come on top and are checked by the gate only.
RESOURCE_CLASSES = ("gpu", "cpu", "memory", "managed_service")
# One landed table per kind of input the generators write.
LANDED = (
    "raw_aws.cur_line_items",
    "raw_gcp.gcp_billing_export_resource_v1",
    "raw_azure.cost_details_actual",
    "raw_telemetry.k8s_nodes_hourly",
    "raw_telemetry.dcgm_gpu_metrics_hourly",
    "raw_telemetry.sagemaker_training_jobs",
    "raw_telemetry.vertex_endpoint_metrics_hourly",
    "raw_telemetry.azureml_endpoint_metrics_hourly",
    "raw_telemetry.mlflow_runs",
)


@pytest.fixture(scope="module")
def attributed(pipeline_world, dbt):
    """The shared built world, and the attribution data tests run on it again (`dbt test` only reads)."""
    world = pipeline_world
    gates = dbt(
        world,
        "test",
        "--select",
        "path:models/intermediate/attribution",
        "path:models/marts/attribution",
        "path:tests/dbt/attribution",
        "--exclude",
        "test_type:unit",
    )
    truth = {
        name: world.truth(name)
        for name in ("k8s_workloads", "managed_ml")
        if (world.generated / "truth" / f"{name}.json").exists()
    }
    return {"world": world, "gates": gates, "truth": truth}


def test_everything_ingests_builds_and_passes_the_gates(attributed):
    world = attributed["world"]
    empty = [table for table in LANDED if world.query(f"select count(*) from {table}")[0][0] == 0]
    assert not empty, f"nothing landed in {empty}"
    unbuilt = [mart for mart in MARTS if world.query(f"select count(*) from main_marts.{mart}")[0][0] == 0]
    assert not unbuilt, f"empty marts: {unbuilt}"
    assert attributed["gates"].success, failed_nodes(attributed["gates"])
    gates = {r.node.name for r in attributed["gates"].result}
    assert {"assert_workload_costs_reconcile_to_focus", "assert_gpu_cost_rows_have_a_workload_class"} <= gates


def workload_costs(world: World, days: set[str] | None = None) -> dict[str, Decimal]:
    """EffectiveCost per workload over the resource cost classes (on `days` only, when given)."""
    classes = ", ".join(f"'{c}'" for c in RESOURCE_CLASSES)
    rows = world.query(
        "select workload_key, cast(charge_date as varchar), sum(effective_cost), sum(billed_cost) "
        f"from main_marts.fct_workload_costs_daily where workload_key is not null and cost_class in ({classes}) "
        "group by all"
    )
    out: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for key, day, effective, billed in rows:
        if days is None or day in days:
            out[key][0] += Decimal(effective)
            out[key][1] += Decimal(billed)
    return out


def test_workload_costs_match_the_generators_truth(attributed):
    """Kubernetes workloads over the telemetry days the truth covers; managed jobs and endpoints per billing
    period (billed cost where a flexible CUD makes FOCUS EffectiveCost differ from the generator's)."""
    world, truth = attributed["world"], attributed["truth"]
    expected: list[tuple[str, str, Decimal, Decimal]] = []  # (key, measure, truth, actual)
    k8s = truth.get("k8s_workloads", {})
    k8s_days = {day["day"] for day in k8s.get("node_days", [])}
    k8s_actual = workload_costs(world, k8s_days)
    for workload in k8s.get("workloads", []):
        key = workload["workload_key"]
        expected.append(
            (key, "effective", Decimal(workload["effective_cost"]), k8s_actual.get(key, [Decimal(0)])[0])
        )
    managed_actual = workload_costs(world)
    managed: dict[str, list] = {}
    for workload in truth.get("managed_ml", {}).get("workloads", []):
        entry = managed.setdefault(workload["workload_key"], [Decimal(0), Decimal(0), False])
        entry[0] += Decimal(workload["effective_cost"])
        entry[1] += Decimal(workload["billed_cost"])
        entry[2] = entry[2] or bool(workload.get("cud_covered"))
    for key, (effective, billed, cud_covered) in managed.items():
        got = managed_actual.get(key, [Decimal(0), Decimal(0)])
        if cud_covered:
            expected.append((key, "billed", billed, got[1]))
        else:
            expected.append((key, "effective", effective, got[0]))
    assert expected, "the generators wrote no workload truth"
    # A workload the truth prices at 0 (a pod on a node that is not on the bill) has no cost row to find.
    missing = [
        key
        for key, _, true, _ in expected
        if true != 0 and key not in k8s_actual and key not in managed_actual
    ]
    wrong = [
        (key, measure, str(true), str(got))
        for key, measure, true, got in expected
        if key not in missing and abs(got - true) > CENT
    ]
    print(
        f"\n{len(expected) - len(missing) - len(wrong)} of {len(expected)} generated workloads within $0.01 of the "
        f"truth; {len(missing)} not found by key, {len(wrong)} off by more than $0.01"
    )
    assert not missing and not wrong, {"not found by key": missing, "off": wrong}


def test_gpu_cost_shares(attributed):
    rows = attributed["world"].query(
        "select cost_class, billing_currency, sum(effective_cost) from main_marts.fct_gpu_utilization_by_workload "
        "where cost_class in ('gpu', 'managed_service', 'idle', 'unallocated') group by all"
    )
    by_currency: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for cost_class, currency, amount in rows:
        bucket = cost_class if cost_class in ("idle", "unallocated") else "attributed"
        by_currency[currency][bucket] += Decimal(amount)
    assert by_currency, "no GPU cost rows"
    for currency, shares in sorted(by_currency.items()):
        total = sum(shares.values())
        text = ", ".join(
            f"{name} {shares[name] / total:.1%}" for name in ("attributed", "idle", "unallocated")
        )
        print(f"GPU cost {currency} {total:,.2f}: {text}")
        assert shares["attributed"] > 0
