"""End to end on the real public AWS samples (tests/fixtures/aws, provenance in PROVENANCE.md): ingest,
`dbt build` with every data test, then reconcile the FOCUS dataset to the raw files read independently."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import AWS_FIXTURES, World, failed_nodes

from ai_finops.ingest.runner import ingest_aws_cur

LANDED_SAMPLES = [
    "cur-legacy-csv/focusconv__sample-anonymous-aws-export-dataset.csv",
    "cur-legacy-csv/koku__2023-06-01.csv",
    "cur-legacy-csv/koku__2023-06-01-not-final.csv",
    "cur-legacy-csv/koku__2022-07-01-alt-columns.csv",
    "cur-legacy-parquet/walabs__Oct2018-WorkshopCUR-00001.snappy.parquet",
    "cur-legacy-parquet/walabs__Nov2018-WorkshopCUR-00001.snappy.parquet",
    "cur-legacy-parquet/walabs__Dec2018-WorkshopCUR-00001.snappy.parquet",
    # The delivery's csv.gz read on its own: its rows span June-August 2018 (see the manifest case below).
    "cur-legacy-delivery/koku-local/20180801-20180901/16e57707-f9e3-49be-8be6-b84e684b5194/koku-local-1.csv.gz",
]

REFUSED_SAMPLES = {
    "cur-legacy-csv/koku__test_cur.csv": "ragged CSV: line 2 has 130 fields but the header has 131",
    "cur-legacy-athena-hive-text/walabs__BeforeCUR.gz": "Hive text dump",
    "cur-legacy-delivery/koku-local/20180801-20180901/koku-local-Manifest.json": (
        "the manifest says billing period 2018-08 but the rows' bill_billing_period_start_date says "
        "2018-06, 2018-07, 2018-08"
    ),
}


def raw_billed_by_period(path: Path) -> dict[tuple[str, str, str], Decimal]:
    """Σ unblended cost per (payer, period, currency), read straight from the delivered file."""
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    if path.suffix == ".parquet":
        table = pq.read_table(
            path,
            columns=[
                "bill_payer_account_id",
                "bill_billing_period_start_date",
                "line_item_currency_code",
                "line_item_unblended_cost",
            ],
        ).to_pylist()
        for r in table:
            period = r["bill_billing_period_start_date"]
            period = period.strftime("%Y-%m") if hasattr(period, "strftime") else str(period)[:7]
            totals[(r["bill_payer_account_id"], period, r["line_item_currency_code"])] += Decimal(
                str(r["line_item_unblended_cost"] or 0)
            )
        return totals
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        for r in csv.DictReader(handle):
            payer = r.get("bill/PayerAccountId") or r.get("bill_payer_account_id")
            start = r.get("bill/BillingPeriodStartDate") or r.get("bill_billing_period_start_date")
            currency = r.get("lineItem/CurrencyCode") or r.get("line_item_currency_code")
            cost = r.get("lineItem/UnblendedCost") or r.get("line_item_unblended_cost") or "0"
            totals[(payer, start[:7], currency)] += Decimal(cost)
    return totals


@pytest.fixture(scope="module")
def samples_world(tmp_path_factory, dbt):
    world = World(tmp_path_factory.mktemp("samples"))
    refusals = {}
    with world.active():
        for relative in LANDED_SAMPLES:
            report = ingest_aws_cur([AWS_FIXTURES / relative])
            assert report.ok, report.refused
        for relative in REFUSED_SAMPLES:
            report = ingest_aws_cur([AWS_FIXTURES / relative])
            refusals[relative] = report
    result = dbt(world, "build", "--full-refresh")
    return world, result, refusals


def test_samples_build_with_every_test_green(samples_world):
    _, result, _ = samples_world
    assert result.success, failed_nodes(result)


@pytest.mark.parametrize("relative", LANDED_SAMPLES)
def test_sample_billed_cost_reconciles_to_the_cent(samples_world, relative):
    world, _, _ = samples_world
    for (payer, period, currency), raw_total in raw_billed_by_period(AWS_FIXTURES / relative).items():
        focus_total, rows = world.query(
            "select sum(BilledCost), count(*) from main_marts.focus_cost_and_usage "
            "where BillingAccountId = ? and x_billing_period = ? and BillingCurrency = ?",
            [payer, period, currency],
        )[0]
        assert rows > 0, f"{relative}: {payer} {period} {currency} missing from the FOCUS dataset"
        assert abs(Decimal(focus_total) - raw_total) <= Decimal("0.01"), (
            relative,
            payer,
            period,
            raw_total,
            focus_total,
        )


def test_every_landed_line_reaches_the_focus_dataset(samples_world):
    world, _, _ = samples_world
    unaccounted = world.query(
        """
        select count(*) from main_staging.stg_aws__cur_line_items as s
        where s.source_line_id not in (select x_source_line_id from main_marts.focus_cost_and_usage)
          and s.source_line_id not in (
              select x_netted_source_line_id from main_marts.focus_cost_and_usage
              where x_netted_source_line_id is not null)
          and s.source_line_id not in (select source_line_id from main_intermediate.int_aws__cur_split_cost_line_items)
        """
    )[0][0]
    assert unaccounted == 0


def test_workshop_reservations_amortise(samples_world):
    """October 2018 of the AWS workshop account: RI-covered usage bills 0 and carries its effective cost."""
    world, _, _ = samples_world
    rows = world.query(
        """
        select x_line_item_type, CommitmentDiscountStatus, sum(BilledCost), sum(EffectiveCost)
        from main_marts.focus_cost_and_usage
        where BillingAccountId = '836060457634' and x_billing_period = '2018-10'
          and x_line_item_type in ('DiscountedUsage', 'RIFee')
        group by all order by all
        """
    )
    by_kind = {(kind, status): (billed, effective) for kind, status, billed, effective in rows}
    billed, effective = by_kind[("DiscountedUsage", "Used")]
    assert billed == 0 and round(effective, 2) == Decimal("232.25")  # figure from the samples README
    fee_billed, fee_effective = by_kind[("RIFee", None)]
    assert round(fee_billed, 2) == Decimal("149.78") and fee_effective == 0


@pytest.mark.parametrize("relative", sorted(REFUSED_SAMPLES))
def test_unsupported_samples_are_refused_clearly(samples_world, relative):
    _, _, refusals = samples_world
    report = refusals[relative]
    assert not report.landed
    assert REFUSED_SAMPLES[relative] in report.refused[0].message
    assert Path(relative).name in report.refused[0].message


def test_samples_pass_the_focus_validator_gate(samples_world, tmp_path):
    """The official validator (criteria ALL) on the FOCUS export of the real samples: only allow-listed rules fail."""
    from ai_finops.focus_gate import DEFAULT_VALIDATOR, default_allowlist, run_focus_validator
    from ai_finops.marts import export_focus

    if not DEFAULT_VALIDATOR.exists():
        pytest.skip("the FOCUS validator venv is missing: run `bash scripts/setup_focus_validator.sh`")
    world, _, _ = samples_world
    parquet = tmp_path / "samples_focus.parquet"
    export_focus(world.db_path, parquet)
    result = run_focus_validator(parquet, allowlist=default_allowlist("1.2"), workdir=tmp_path / "validator")
    assert result.passed, result.summary()
