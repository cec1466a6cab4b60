"""End to end on native FOCUS exports next to a raw AWS CUR: ingest, `dbt build` with every test, reconcile the
native rows of the FOCUS dataset to the delivered files read independently (to the cent), check the upgrade of
the FOCUS 1.0 files, run the validator gate, then let a raw export supersede a native key and rebuild
incrementally."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from conftest import AWS_FIXTURES, FIXTURES, World, failed_nodes
from native_focus_exports import PATHS

from ai_finops.ingest.runner import ingest_aws_cur, ingest_focus

CUR_SAMPLE = AWS_FIXTURES / "cur-legacy-csv" / "koku__2023-06-01.csv"
NATIVE = [
    FIXTURES / "focus" / "synthetic" / name
    for name in ("aws-focus-1-2", "aws-focus-1-0", "azure-focuscost", "gcp-focus")
]


def delivered_totals() -> dict[tuple[str, str, str], tuple[Decimal, Decimal]]:
    """(BillingAccountId, period, currency) -> (Σ BilledCost, Σ EffectiveCost), read from the files."""
    totals: dict[tuple[str, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for name, path in PATHS.items():
        if name == "azure_manifest":
            continue
        if path.suffix == ".parquet":
            rows = pq.read_table(path).to_pylist()
            for r in rows:
                key = (r["BillingAccountId"], r["BillingPeriodStart"].strftime("%Y-%m"), r["BillingCurrency"])
                totals[key][0] += Decimal(str(r["BilledCost"]))
                totals[key][1] += Decimal(str(r["EffectiveCost"]))
        else:
            for r in csv.DictReader(io.StringIO(path.read_text())):
                key = (r["BillingAccountId"], r["BillingPeriodStart"][:7], r["BillingCurrency"])
                totals[key][0] += Decimal(r["BilledCost"])
                totals[key][1] += Decimal(r["EffectiveCost"])
    return {k: (v[0], v[1]) for k, v in totals.items()}


@pytest.fixture(scope="module")
def native_world(tmp_path_factory, dbt):
    world = World(tmp_path_factory.mktemp("native-focus"))
    with world.active():
        assert ingest_aws_cur([CUR_SAMPLE], data_docs=False).ok
        for folder in NATIVE:
            report = ingest_focus([folder], data_docs=False)
            assert report.ok, report.refused
    # Every model and data test; unit tests do not depend on the landed data (the `make test` build runs them).
    result = dbt(world, "build", "--full-refresh", "--exclude", "test_type:unit")
    return world, result


def test_native_exports_build_with_every_test_green(native_world):
    _, result = native_world
    assert result.success, failed_nodes(result)


@pytest.mark.parametrize("key", sorted(delivered_totals()))
def test_native_rows_reconcile_to_the_delivered_files(native_world, key):
    world, _ = native_world
    account, period, currency = key
    billed, effective = delivered_totals()[key]
    focus_billed, focus_effective, kinds = world.query(
        "select sum(BilledCost), sum(EffectiveCost), list(distinct x_source_kind) from main_marts.focus_cost_and_usage "
        "where BillingAccountId = ? and x_billing_period = ? and BillingCurrency = ?",
        [account, period, currency],
    )[0]
    assert kinds == ["focus"]
    assert abs(Decimal(focus_billed) - billed) <= Decimal("0.01"), (key, billed, focus_billed)
    assert abs(Decimal(focus_effective) - effective) <= Decimal("0.01"), (key, effective, focus_effective)


def test_focus_1_0_rows_are_upgraded(native_world):
    world, _ = native_world
    rows = {
        (r[0], r[1]): r[2:]
        for r in world.query(
            """
            select ChargeCategory, coalesce(CommitmentDiscountStatus, '-'), ResourceType, CommitmentDiscountQuantity,
                   CommitmentDiscountUnit, PricingCategory, SkuMeter, ServiceCategory, ServiceSubcategory,
                   BillingAccountType, SubAccountType, PricingCurrency, ProviderName, x_source_focus_version
            from main_marts.focus_cost_and_usage
            where BillingAccountId = '999900002222' and CommitmentDiscountId is not null
            """
        )
    }
    fee = rows[("Purchase", "-")]
    assert fee[:6] == ("reserved-instances", 720, "Hours", "Standard", "HeavyUsage:g4dn.xlarge", "Compute")
    assert fee[7:] == ("Management Account", "Member Account", "USD", "Amazon Web Services, Inc.", "1.0")
    assert rows[("Usage", "Used")][:3] == ("instance", 1, "Hours")
    assert rows[("Usage", "Unused")][:3] == ("reserved-instances", 719, "Hours")
    kms = world.query(
        "select ServiceCategory, ServiceSubcategory, ResourceType from main_marts.focus_cost_and_usage "
        "where ServiceName = 'AWS Key Management Service' and BillingAccountId = '999900002222'"
    )
    assert kms == [("Security", "Secret Management", "key")]  # delivered as Identity; the service map decides
    assert world.query(
        "select ServiceSubcategory, PricingUnit from main_marts.focus_cost_and_usage "
        "where ServiceName in ('Amazon Nimble Studio', 'AWS Lambda') order by ServiceName"
    ) == [("Serverless Compute", "GB-Seconds"), ("Other (Media)", "Hours")]
    azure = world.query(
        "select ResourceId = CommitmentDiscountId, PricingCategory, CommitmentDiscountQuantity, "
        "CommitmentDiscountUnit, BillingAccountType from main_marts.focus_cost_and_usage "
        "where x_source_provider = 'azure' and ChargeCategory = 'Purchase'"
    )
    assert azure == [(True, "Standard", 1, "Units", "Billing Account")]


def test_native_export_passes_the_focus_validator_gate(native_world, tmp_path):
    from ai_finops.focus_gate import DEFAULT_VALIDATOR, default_allowlist, run_focus_validator
    from ai_finops.marts import export_focus

    if not DEFAULT_VALIDATOR.exists():
        pytest.skip("the FOCUS validator venv is missing: run `bash scripts/setup_focus_validator.sh`")
    world, _ = native_world
    parquet = tmp_path / "native_focus.parquet"
    export_focus(world.db_path, parquet)
    result = run_focus_validator(parquet, allowlist=default_allowlist("1.2"), workdir=tmp_path / "validator")
    assert result.passed, result.summary()


def test_a_superseding_raw_export_replaces_the_native_key_incrementally(native_world, dbt, tmp_path):
    """Runs last: moves 999900001111 / 2026-09 from the native export to a raw CUR and rebuilds without
    --full-refresh; the mart must hold that key from one source kind only."""
    world, _ = native_world
    cur = tmp_path / "cur.csv"
    cur.write_text(
        "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
        "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,"
        "lineItem/UsageType,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedCost\n"
        "li-1,999900001111,2026-09-01T00:00:00Z,999900003333,Usage,2026-09-02T00:00:00Z,2026-09-02T01:00:00Z,"
        "AmazonEC2,BoxUsage:g5.xlarge,1,USD,12.34\n"
    )
    with world.active():
        refused = ingest_aws_cur([cur], data_docs=False)
        assert not refused.landed and "source kind 'focus'" in refused.refused[0].message
        report = ingest_aws_cur([cur], data_docs=False, supersede=True)
    assert report.ok and [k.source_kind for k in report.landed[0].superseded] == ["focus"]
    # The raw views were refreshed by ingest: the incremental mart and the tests that matter here need to run.
    result = dbt(
        world,
        "build",
        "--select",
        "focus_cost_and_usage",
        "assert_one_source_kind_per_billing_period",
        "assert_focus_native_totals_reconcile_to_the_landed_rows",
        "assert_focus_native_rows_conserved",
        "assert_aws_focus_totals_reconcile_to_the_bill",
        "assert_focus_row_rules",
        "--indirect-selection",
        "empty",
    )
    assert result.success, failed_nodes(result)
    assert world.query(
        "select x_source_kind, count(*), sum(BilledCost) from main_marts.focus_cost_and_usage "
        "where BillingAccountId = '999900001111' and x_billing_period = '2026-09' group by all"
    ) == [("cur", 1, Decimal("12.3400000000"))]
