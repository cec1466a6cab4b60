"""End to end on the public Azure samples (tests/fixtures/azure, provenance in PROVENANCE.md): every sample
either lands and reconciles to the cent, per billing account × period × currency, against the file read
independently here, or is refused with its stated reason."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import AZURE_FIXTURES, World, failed_nodes

from ai_finops.ingest.runner import ingest_azure_cost

CENT = Decimal("0.01")

# (file, --dataset or None): each lands in the actual-only world.
ACTUAL_SAMPLES = [
    ("ea/ftk__EA_ActualCost_Small.csv", None),
    ("ea/focusconv__sample-anonymous-ea-export-dataset.csv", "actual"),
    ("ea/opencost__Enterprise.csv", "actual"),
]
AMORTIZED_SAMPLE = "ea/ftk__EA_AmortizedCost_Small.csv"

REFUSED_SAMPLES = {
    (
        "ea/koku__azure_version_2.csv",
        "actual",
    ): "'BillingCurrencyCode': 5 value(s) are not an ISO 4217 currency code",
    (
        "ea/focusconv__sample-anonymous-ea-export-dataset.csv",
        None,
    ): "cannot tell whether this is the actual or the amortized",
    (
        "mca-csp/opencost__EnterpriseCamel.csv",
        "actual",
    ): "'BillingProfileId or BillingAccountId': required column is missing",
    ("legacy-payg/opencost__PayAsYouGo.csv", None): "legacy pay-as-you-go usage export",
    ("legacy-payg/opencost__German.csv", None): "legacy pay-as-you-go usage export",
    ("legacy-payg/opencost__BOM.csv", None): "legacy pay-as-you-go usage export",
    (
        "legacy-payg/koku__costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv",
        "actual",
    ): "legacy pay-as-you-go",
    ("legacy-payg/koku__azure_camelCased.csv", "amortized"): "legacy pay-as-you-go usage export",
    ("export-manifest/koku__manifest.json", None): "manifest names a file that is not here",
}


def raw_totals(path: Path) -> dict[tuple[str, str, str], tuple[Decimal, Decimal]]:
    """Σ cost and Σ cost outside commitment-covered usage per (billing account, period, currency), from the CSV."""
    totals: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            account = row.get("BillingProfileId") or row["BillingAccountId"]
            month, year = row["BillingPeriodStartDate"].split("/")[0], row["BillingPeriodStartDate"][-4:]
            currency = row.get("BillingCurrencyCode") or row["BillingCurrency"]
            cost = Decimal(row.get("CostInBillingCurrency") or row["Cost"])
            key = (account, f"{year}-{int(month):02d}", currency)
            totals[key][0] += cost
            covered = row["PricingModel"] in ("Reservation", "SavingsPlan") and row["ChargeType"] in (
                "Usage",
                "UnusedReservation",
                "UnusedSavingsPlan",
            )
            totals[key][1] += 0 if covered else cost
    return {k: (v[0], v[1]) for k, v in totals.items()}


def focus_totals(world: World, key: tuple[str, str, str]) -> tuple[int, Decimal, Decimal]:
    rows, billed, effective = world.query(
        "select count(*), sum(BilledCost), sum(EffectiveCost) from main_marts.focus_cost_and_usage "
        "where x_source_provider = 'azure' and BillingAccountId = ? and x_billing_period = ? and BillingCurrency = ?",
        list(key),
    )[0]
    return rows, Decimal(billed or 0), Decimal(effective or 0)


@pytest.fixture(scope="module")
def samples(tmp_path_factory, dbt):
    actual_world = World(tmp_path_factory.mktemp("azure-actual-samples"))
    amortized_world = World(tmp_path_factory.mktemp("azure-amortized-sample"))
    pair_world = World(tmp_path_factory.mktemp("azure-toolkit-pair"))
    refusals = {}
    with actual_world.active():
        for relative, dataset in ACTUAL_SAMPLES:
            report = ingest_azure_cost([AZURE_FIXTURES / relative], dataset=dataset)
            assert report.ok, report.refused
        for (relative, dataset), _ in REFUSED_SAMPLES.items():
            refusals[(relative, dataset)] = ingest_azure_cost([AZURE_FIXTURES / relative], dataset=dataset)
    with amortized_world.active():
        assert ingest_azure_cost([AZURE_FIXTURES / AMORTIZED_SAMPLE]).ok
    with pair_world.active():
        pair = ingest_azure_cost(
            [AZURE_FIXTURES / "ea" / "ftk__EA_ActualCost_Small.csv", AZURE_FIXTURES / AMORTIZED_SAMPLE]
        )
        assert pair.ok, pair.refused
    return {
        "actual": (actual_world, dbt(actual_world, "build", "--full-refresh")),
        "amortized": (amortized_world, dbt(amortized_world, "build", "--full-refresh")),
        # Only what the pair test reads: seeds, the models up to the FOCUS rows, and the reconciliation gate.
        "pair": (
            pair_world,
            [
                dbt(pair_world, "seed"),
                dbt(pair_world, "run", "--full-refresh", "--select", "+focus_cost_and_usage"),
            ],
            dbt(pair_world, "test", "--select", "assert_azure_focus_totals_reconcile_to_the_bill"),
        ),
        "refusals": refusals,
    }


def test_landed_samples_build_with_every_test_green(samples):
    for name in ("actual", "amortized"):
        _, result = samples[name]
        assert result.success, (name, failed_nodes(result))


@pytest.mark.parametrize(("relative", "dataset"), ACTUAL_SAMPLES)
def test_actual_sample_reconciles_to_the_cent(samples, relative, dataset):
    """Actual only: Σ BilledCost = Σ EffectiveCost = Σ actual cost, every row flagged as not amortised."""
    world, _ = samples["actual"]
    for key, (total, _) in raw_totals(AZURE_FIXTURES / relative).items():
        rows, billed, effective = focus_totals(world, key)
        assert rows > 0, (relative, key)
        assert abs(billed - total) <= CENT and abs(effective - total) <= CENT, (
            relative,
            key,
            total,
            billed,
            effective,
        )
    flags = world.query("select distinct x_amortization_available from main_marts.focus_cost_and_usage")
    assert flags == [(False,)]


def test_amortized_sample_reconciles_to_the_cent(samples):
    """Amortized only: Σ EffectiveCost = Σ amortized cost; BilledCost leaves out the commitment-covered usage
    (the purchase that bills it is in the actual dataset, which this world lacks: the dbt warning says so)."""
    world, result = samples["amortized"]
    ((key, (total, billable)),) = raw_totals(AZURE_FIXTURES / AMORTIZED_SAMPLE).items()
    rows, billed, effective = focus_totals(world, key)
    assert rows == 28
    assert abs(effective - total) <= CENT and abs(billed - billable) <= CENT
    warned = [r.node.name for r in result.result if str(r.status).lower() == "warn"]
    assert warned == ["assert_azure_periods_have_an_actual_dataset"]


def test_amortized_sample_commitments_come_from_benefit_id(samples):
    world, _ = samples["amortized"]
    rows = world.query(
        """
        select x_line_item_type, PricingCategory, CommitmentDiscountType, CommitmentDiscountCategory,
               CommitmentDiscountStatus, BilledCost, EffectiveCost
        from main_marts.focus_cost_and_usage where CommitmentDiscountId is not null order by all
        """
    )
    assert [r[:5] for r in rows] == [
        ("Usage", "Committed", "Reservation", "Usage", "Used"),
        ("Usage", "Committed", "Savings Plan", "Spend", "Used"),
    ]
    assert all(r[5] == 0 and r[6] > 0 for r in rows)


def test_toolkit_pair_purchase_and_the_excerpt_mismatch(samples):
    """Landed together, the toolkit's actual and amortized excerpts pair: the reservation purchase (Term 36)
    bills 3.25 with EffectiveCost 0. They are not the same row set (samples README), so the reconciliation
    gate fails on exactly this pair, as it should."""
    world, setup, result = samples["pair"]
    for step in setup:
        assert step.success, failed_nodes(step)
    purchase = world.query(
        "select BilledCost, EffectiveCost, PricingCategory, ChargeFrequency, CommitmentDiscountType "
        "from main_marts.focus_cost_and_usage where x_line_item_type = 'Purchase'"
    )
    assert purchase == [(Decimal("3.25"), Decimal(0), "Standard", "Recurring", "Reservation")]
    failed = [r.node.name for r in result.result if str(r.status).lower() in ("fail", "error")]
    assert failed == ["assert_azure_focus_totals_reconcile_to_the_bill"]


def test_ea_tags_without_braces_parse(samples):
    world, _ = samples["actual"]
    tags = world.query(
        "select distinct Tags from main_marts.focus_cost_and_usage "
        "where BillingAccountId = '12345678' and x_billing_period = '2023-09'"
    )
    assert tags == [('{"tagA":"valueA","tagB":"valueB","tagC":"valueC"}',)]
    spot = world.query(
        "select count(*) from main_marts.focus_cost_and_usage "
        "where x_billing_period = '2023-09' and BillingCurrency = 'CAD' and PricingCategory = 'Dynamic'"
    )
    assert spot == [(3,)]


@pytest.mark.parametrize(("relative", "dataset"), sorted(REFUSED_SAMPLES, key=str))
def test_unsupported_samples_are_refused_clearly(samples, relative, dataset):
    report = samples["refusals"][(relative, dataset)]
    assert not report.landed
    message = report.refused[0].message
    assert REFUSED_SAMPLES[(relative, dataset)] in message, message
    assert Path(relative).name in message


def test_german_headers_are_read_through_their_english_names(samples):
    message = samples["refusals"][("legacy-payg/opencost__German.csv", None)].refused[0].message
    assert "'Abonnement-GUID (SubscriptionGuid)'" in message and "'PreTaxCost (PreTaxCost)'" in message


def test_samples_pass_the_focus_validator_gate(samples, tmp_path):
    from ai_finops.focus_gate import DEFAULT_VALIDATOR, default_allowlist, run_focus_validator
    from ai_finops.marts import export_focus

    if not DEFAULT_VALIDATOR.exists():
        pytest.skip("the FOCUS validator venv is missing: run `bash scripts/setup_focus_validator.sh`")
    for name in ("actual", "amortized"):
        world, _ = samples[name]
        parquet = tmp_path / f"{name}.parquet"
        export_focus(world.db_path, parquet)
        result = run_focus_validator(parquet, allowlist=default_allowlist("1.2"), workdir=tmp_path / name)
        assert result.passed, (name, result.summary())
