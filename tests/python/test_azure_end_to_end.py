"""End to end on generated Azure cost details: the month-to-date run of the open month lands first and is
replaced by the final run; the FOCUS dataset reconciles to the generator's truth per billing account × period
× currency; every landed line is accounted for; the amortized export of a period that had only the actual one
replaces its provisional rows; and the official validator passes on the FOCUS export."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest
from conftest import World, failed_nodes

from ai_finops.generate.azure_cost import MCA_BILLING_PROFILE_ID, generate_azure_cost
from ai_finops.ingest.runner import ingest_azure_cost

CENT = Decimal("0.01")


def focus_by_key(world: World) -> dict[tuple[str, str, str], tuple[int, Decimal, Decimal, bool]]:
    rows = world.query(
        "select BillingAccountId, x_billing_period, BillingCurrency, count(*), sum(BilledCost), "
        "sum(EffectiveCost), bool_and(x_amortization_available) from main_marts.focus_cost_and_usage "
        "where x_source_provider = 'azure' and x_source_kind = 'cost_details' group by all"
    )
    return {(a, p, c): (n, Decimal(b), Decimal(e), avail) for a, p, c, n, b, e, avail in rows}


@pytest.fixture(scope="module")
def azure(tmp_path_factory, dbt):
    world = World(tmp_path_factory.mktemp("azure"))
    exports = world.root / "exports"
    generate_azure_cost(exports, seed=5, scale=0.05, months=3, last_period="2026-10")
    truth = json.loads((exports / "truth" / "azure_cost.json").read_text())
    month_to_date = sorted(
        p
        for p in (exports / "azure").rglob("manifest.json")
        if json.loads(p.read_text())["runInfo"]["submittedTime"].startswith("2026-10-16")
    )
    with world.active():
        earlier = ingest_azure_cost(month_to_date)
        final = ingest_azure_cost([exports / "azure" / "exports"])
    build = dbt(world, "build")
    return {
        "world": world,
        "exports": exports,
        "truth": truth,
        "earlier": earlier,
        "final": final,
        "build": build,
    }


def test_month_to_date_run_is_replaced_by_the_final_run(azure):
    assert azure["earlier"].ok and azure["final"].ok, (azure["earlier"].refused, azure["final"].refused)
    assert {d.key.billing_period for d in azure["earlier"].landed} == {"2026-10"}
    replaced = {(d.key.source_kind, d.key.billing_account) for d in azure["final"].landed if d.replaced}
    assert replaced == {(d.key.source_kind, d.key.billing_account) for d in azure["earlier"].landed}
    assert all(d.key.billing_period == "2026-10" for d in azure["final"].landed if d.replaced)


def test_build_passes_every_test(azure):
    assert azure["build"].success, failed_nodes(azure["build"])


def test_focus_reconciles_to_generator_truth(azure):
    totals = focus_by_key(azure["world"])
    assert len(totals) == len(azure["truth"]["periods"])
    for expected in azure["truth"]["periods"]:
        key = (expected["billing_account_id"], expected["billing_period"], expected["billing_currency"])
        rows, billed, effective, available = totals[key]
        assert rows == expected["focus_rows"], key
        assert abs(billed - Decimal(expected["actual_cost"])) <= CENT, (key, billed, expected["actual_cost"])
        amortized = expected["amortized_cost"] or expected["actual_cost"]
        assert abs(effective - Decimal(amortized)) <= CENT, (key, effective, amortized)
        assert available == expected["amortization_available"], key


def test_landed_rows_match_truth(azure):
    for dataset, rows_key in (("actual", "actual_rows"), ("amortized", "amortized_rows")):
        landed = dict(
            ((a, p), n)
            for a, p, n in azure["world"].query(
                f"select coalesce(billing_profile_id, billing_account_id), strftime(billing_period_start_date, "
                f"'%Y-%m'), count(*) from raw_azure.cost_details_{dataset} group by all"
            )
        )
        expected = {
            (t["billing_account_id"], t["billing_period"]): t[rows_key]
            for t in azure["truth"]["periods"]
            if t[rows_key] is not None
        }
        assert landed == expected, dataset


def test_gpu_vms_and_ml_endpoints_reach_focus(azure):
    rows = azure["world"].query(
        "select distinct x_instance_type from main_marts.focus_cost_and_usage "
        "where x_source_provider = 'azure' and x_instance_type like 'Standard_N%'"
    )
    assert {r[0] for r in rows} >= {
        "Standard_ND96isr_H100_v5",
        "Standard_ND96amsr_A100_v4",
        "Standard_NC24ads_A100_v4",
        "Standard_NC16as_T4_v3",
        "Standard_NV36ads_A10_v5",
    }
    endpoints = azure["world"].query(
        "select distinct json_extract_string(Tags, '$.azuremlendpoint'), ServiceName "
        "from main_marts.focus_cost_and_usage where Tags like '%azuremlendpoint%'"
    )
    assert ("chat-assistant", "Azure Machine Learning") in endpoints


def test_commitments_in_focus(azure):
    rows = azure["world"].query(
        """
        select CommitmentDiscountType, CommitmentDiscountCategory, ChargeCategory, ChargeClass,
               coalesce(CommitmentDiscountStatus, '-'), PricingCategory, sum(BilledCost), sum(EffectiveCost)
        from main_marts.focus_cost_and_usage
        where x_source_provider = 'azure' and CommitmentDiscountId is not null
        group by all
        """
    )
    kinds = {r[:6] for r in rows}
    assert ("Reservation", "Usage", "Usage", None, "Used", "Committed") in kinds
    assert ("Reservation", "Usage", "Usage", None, "Unused", "Committed") in kinds
    assert ("Savings Plan", "Spend", "Usage", None, "Unused", "Committed") in kinds
    assert ("Reservation", "Usage", "Purchase", None, "-", "Standard") in kinds
    assert ("Reservation", "Usage", "Purchase", "Correction", "-", None) in kinds
    for kind in rows:
        if kind[2] == "Usage":
            assert kind[6] == 0, kind  # covered usage and unused commitment bill nothing
        if kind[2] == "Purchase":
            assert kind[7] == 0, kind  # purchases are amortised, not effective themselves


def test_amortized_export_replaces_an_actual_only_period(azure, dbt, tmp_path):
    """The MCA's first month had the actual export only: EffectiveCost = BilledCost, flagged. When an amortized
    export of that month lands (here: the actual file re-labelled, as a stand-in), the period is rebuilt with
    x_amortization_available true, and the incremental mart replaces the provisional rows."""
    world = azure["world"]
    period = azure["truth"]["periods"][3]
    assert period["billing_account_id"] == MCA_BILLING_PROFILE_ID and not period["amortization_available"]
    before = focus_by_key(world)[(MCA_BILLING_PROFILE_ID, period["billing_period"], "EUR")]
    assert before[3] is False and before[1] == before[2]
    manifest = next(
        p
        for p in (azure["exports"] / "azure").rglob("manifest.json")
        if "mca-actual" in str(p)
        and json.loads(p.read_text())["runInfo"]["startDate"].startswith(period["billing_period"])
    )
    amortized = tmp_path / "amortized-run"
    shutil.copytree(manifest.parent, amortized)
    content = json.loads((amortized / "manifest.json").read_text())
    content["exportConfig"]["type"] = "AmortizedCost"
    (amortized / "manifest.json").write_text(json.dumps(content))
    with world.active():
        report = ingest_azure_cost([amortized / "manifest.json"])
    assert report.ok and report.landed[0].key.source_kind == "amortized"
    build = dbt(world, "build")
    assert build.success, failed_nodes(build)
    rows, _billed, effective, available = focus_by_key(world)[
        (MCA_BILLING_PROFILE_ID, period["billing_period"], "EUR")
    ]
    assert available is True
    assert abs(effective - Decimal(period["actual_cost"])) <= CENT
    assert rows == period["actual_rows"]


def test_validator_gate_on_the_azure_export(azure, tmp_path):
    from ai_finops.focus_gate import DEFAULT_VALIDATOR, default_allowlist, run_focus_validator
    from ai_finops.marts import export_focus

    if not DEFAULT_VALIDATOR.exists():
        pytest.skip("the FOCUS validator venv is missing: run `bash scripts/setup_focus_validator.sh`")
    parquet = tmp_path / "azure_focus.parquet"
    export_focus(azure["world"].db_path, parquet)
    result = run_focus_validator(parquet, allowlist=default_allowlist("1.2"), workdir=tmp_path / "validator")
    assert result.passed, result.summary()


def test_restatement_log_and_billing_periods_cover_azure(azure):
    """Per dataset, the current delivery's Σ in the restatement log is the generator's Σ actual (billed) and Σ
    amortized (effective) cost; the month-to-date run of 2026-10 is delivery 1 and the final run delivery 2;
    the open month is Open and MCA's invoiced months are Closed (the generator invoices MCA only)."""
    world, truth = azure["world"], azure["truth"]
    log = {
        (kind, account, period, sequence): (current, final, rows, billed, effective)
        for kind, account, period, sequence, current, final, rows, billed, effective in world.query(
            "select source_kind, billing_account_id, billing_period, delivery_sequence, is_current_delivery, "
            "is_final, rows_after, billed_cost_after, effective_cost_after from main_marts.fct_billing_restatements "
            "where provider_name = 'azure'"
        )
    }
    statuses = {
        (kind, account, period): status
        for kind, account, period, status in world.query(
            "select source_kind, billing_account_id, billing_period, billing_period_status "
            "from main_marts.dim_billing_periods where provider_name = 'azure'"
        )
    }
    for expected in truth["periods"]:
        account, period = expected["billing_account_id"], expected["billing_period"]
        for kind, rows_key, cost_key, measure in (
            ("actual", "actual_rows", "actual_cost", 3),
            ("amortized", "amortized_rows", "amortized_cost", 4),
        ):
            if expected[rows_key] is None:
                continue
            sequences = sorted(s for k, a, p, s in log if (k, a, p) == (kind, account, period))
            assert sequences == ([1, 2] if period == "2026-10" else [1]), (kind, account, period)
            current = log[(kind, account, period, sequences[-1])]
            assert current[0] and current[2] == expected[rows_key]
            assert abs(Decimal(current[measure]) - Decimal(expected[cost_key])) <= CENT, (
                kind,
                account,
                period,
            )
            closed = statuses[(kind, account, period)] == "Closed"
            assert closed == current[1]
            assert not closed if period == "2026-10" else closed == (account == MCA_BILLING_PROFILE_ID)
