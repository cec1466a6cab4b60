"""End to end on GCP: generated extractions (an earlier extraction of the last months first, then the final
ones that replace it) and the two public samples (tests/fixtures/gcp, provenance in PROVENANCE.md) land in one
world; `dbt build` runs every test; the FOCUS dataset reconciles to the generator's truth (Python decimals from
the written values) and to the samples read independently, per billing account x invoice month x currency."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, ROOT, World, failed_nodes

from ai_finops.generate.gcp_billing import ACCOUNTS, generate_gcp_billing
from ai_finops.ingest import gcp_billing

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ARGS = {"seed": 11, "scale": 0.05, "months": 2, "last_period": "2026-02"}
GCP_FIXTURES = FIXTURES / "gcp" / "bigquery-export-flattened-csv"
LANDED_SAMPLE = GCP_FIXTURES / "koku__2022-08-01_5.csv"
PARTIAL_SAMPLE = GCP_FIXTURES / "koku__202011_30c31bca571d9b7f3b2c8459dd8bc34a_2020-11-08_2020-11-11.csv"


def focus_totals(world: World) -> dict[tuple[str, str, str], tuple[Decimal, Decimal]]:
    rows = world.query(
        "select BillingAccountId, x_billing_period, BillingCurrency, sum(BilledCost), sum(EffectiveCost) "
        "from main_marts.focus_cost_and_usage where x_source_provider = 'gcp' group by all"
    )
    return {(a, p, c): (Decimal(b), Decimal(e)) for a, p, c, b, e in rows}


@pytest.fixture(scope="module")
def gcp(tmp_path_factory, dbt):
    world = World(tmp_path_factory.mktemp("gcp_e2e"))
    exports = world.root / "exports"
    generate_gcp_billing(exports, **ARGS)
    with world.active():
        earlier = gcp_billing.ingest([exports / "gcp" / "billing_export_earlier"])
        # models and seeds only: the data tests run once, on the second build; the unit tests run in `make test`
        first_build = dbt(
            world,
            "build",
            "--select",
            "+focus_cost_and_usage",
            "--resource-type",
            "model",
            "--resource-type",
            "seed",
        )
        before = focus_totals(world)
        final = gcp_billing.ingest([exports / "gcp" / "billing_export"])
        sample = gcp_billing.ingest([LANDED_SAMPLE])
        partial_refused = gcp_billing.ingest([PARTIAL_SAMPLE])
        partial_landed = gcp_billing.ingest([PARTIAL_SAMPLE], allow_partial_months=True)
    second_build = dbt(world, "build", "--exclude-resource-type", "unit_test")
    return {
        "world": world,
        "exports": exports,
        "truth": json.loads((exports / "truth" / "gcp_billing.json").read_text()),
        "earlier": earlier,
        "final": final,
        "sample": sample,
        "partial_refused": partial_refused,
        "partial_landed": partial_landed,
        "first_build": first_build,
        "second_build": second_build,
        "before": before,
    }


def test_extractions_land_and_re_extractions_replace(gcp):
    assert gcp["earlier"].ok and gcp["final"].ok, (gcp["earlier"].refused, gcp["final"].refused)
    replaced = {d.key.billing_period for d in gcp["final"].landed if d.replaced}
    assert replaced == {e["billing_period"] for e in gcp["truth"]["earlier_extractions"]}


def test_builds_pass_every_test(gcp):
    assert gcp["first_build"].success, failed_nodes(gcp["first_build"])
    assert gcp["second_build"].success, failed_nodes(gcp["second_build"])


def test_focus_reconciles_to_generator_truth(gcp):
    totals = focus_totals(gcp["world"])
    for expected in gcp["truth"]["totals"]:
        key = (expected["billing_account_id"], expected["billing_period"], expected["currency"])
        billed, effective = totals[key]
        assert abs(billed - Decimal(expected["billed_cost"])) <= MICRO, (key, billed, expected["billed_cost"])
        assert abs(effective - Decimal(expected["effective_cost"])) <= CENT, (key, effective, expected)


def test_credit_types_reconcile_to_truth(gcp):
    rows = gcp["world"].query(
        """
        select s.billing_account_id, s.invoice_month, c.credit_type, sum(c.credit_amount)
        from main_intermediate.int_gcp__billing_credits as c
        inner join main_staging.stg_gcp__billing_export_line_items as s on c.source_line_id = s.source_line_id
        group by all
        """
    )
    landed = defaultdict(dict)
    for account, month, credit_type, amount in rows:
        landed[(account, month)][credit_type] = Decimal(amount)
    for expected in gcp["truth"]["totals"]:
        got = landed[(expected["billing_account_id"], expected["invoice_month"])]
        assert got == {k: Decimal(v) for k, v in expected["credits_by_type"].items()}


def test_commitments_amortise_as_the_generator_says(gcp):
    rows = gcp["world"].query(
        """
        select BillingAccountId, replace(x_billing_period, '-', ''), CommitmentDiscountId,
            coalesce(sum(EffectiveCost - BilledCost) filter (where CommitmentDiscountStatus = 'Used'), 0),
            coalesce(sum(EffectiveCost) filter (where CommitmentDiscountStatus = 'Unused'), 0),
            coalesce(sum(BilledCost) filter (where ChargeCategory = 'Purchase'), 0)
        from main_marts.focus_cost_and_usage
        where x_source_provider = 'gcp' and CommitmentDiscountId is not null
        group by all
        """
    )
    landed = {(a, m, c): (Decimal(u), Decimal(n), Decimal(f)) for a, m, c, u, n, f in rows}
    assert len(landed) == len(gcp["truth"]["commitments"])
    for expected in gcp["truth"]["commitments"]:
        used, unused, fee = landed[
            (expected["billing_account_id"], expected["invoice_month"], expected["commitment_discount_id"])
        ]
        assert abs(fee - Decimal(expected["fee_billed_cost"])) <= MICRO
        assert abs(used - Decimal(expected["used_effective_cost"])) <= CENT, expected
        assert abs(unused - Decimal(expected["unused_effective_cost"])) <= CENT, expected


def test_promotions_become_credit_rows_and_pools_are_flagged(gcp):
    world, truth = gcp["world"], gcp["truth"]
    credit_rows = dict(
        world.query(
            "select BillingAccountId || '/' || x_billing_period, count(*) from main_marts.focus_cost_and_usage "
            "where x_line_item_type = 'promotion_credit' group by 1"
        )
    )
    for expected in truth["totals"]:
        key = f"{expected['billing_account_id']}/{expected['billing_period']}"
        assert credit_rows.get(key, 0) == expected["promotion_credit_rows"]
    pooled = world.query(
        "select distinct BillingAccountId, x_billing_period, CommitmentDiscountId from main_marts.focus_cost_and_usage "
        "where x_line_item_type = 'unused_commitment_pooled' order by all"
    )
    research = ACCOUNTS["research"].billing_account_id
    assert {p[:2] for p in pooled} == {(research, "2023-12"), (research, "2024-01")}
    assert all(p[2].startswith(f"gcp-cud-pool/{research}/europe-west4/") for p in pooled)


def test_billing_periods_start_at_pacific_midnight_and_late_usage_keeps_its_time(gcp):
    world = gcp["world"]
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    periods = world.query(
        "select distinct x_billing_period, BillingPeriodStart, BillingPeriodEnd from main_marts.focus_cost_and_usage "
        "where x_source_provider = 'gcp'"
    )
    assert periods
    for period, start, end in periods:
        year, month = (int(x) for x in period.split("-"))
        expected = dt.datetime(year, month, 1, tzinfo=pacific).astimezone(dt.UTC).replace(tzinfo=None)
        following = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=pacific).astimezone(dt.UTC)
        assert start == expected and end == following.replace(tzinfo=None), period
    late = world.query(
        "select count(*) filter (where ChargeClass = 'Correction'), count(*) filter (where ChargeClass is null) "
        "from main_marts.focus_cost_and_usage where x_source_provider = 'gcp' "
        "and ChargePeriodStart < BillingPeriodStart and x_line_item_type <> 'promotion_credit'"
    )[0]
    assert late[0] == 4 and late[1] > 0


def test_restatement_changed_the_re_extracted_months_only(gcp):
    before = gcp["before"]
    earlier = {e["billing_period"]: Decimal(e["billed_cost"]) for e in gcp["truth"]["earlier_extractions"]}
    assert {key[1] for key in before} == set(earlier)
    for (_, period, _), (billed, effective) in before.items():
        assert abs(billed - earlier[period]) <= CENT and abs(effective - earlier[period]) <= CENT


def _raw_sample_totals(path: Path) -> dict[tuple[str, str, str], Decimal]:
    """Σ cost + Σ credits per (billing account, YYYY-MM, currency), read straight from the flattened CSV."""
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            month = row["invoice.month"]
            key = (row["billing_account_id"], f"{month[:4]}-{month[4:]}", row["currency"])
            credits = ast.literal_eval(row["credits"]) if row["credits"] else []
            totals[key] += Decimal(row["cost"]) + sum(
                (Decimal(str(c["amount"])) for c in credits), Decimal(0)
            )
    return totals


@pytest.mark.parametrize("sample", [LANDED_SAMPLE, PARTIAL_SAMPLE], ids=lambda p: p.name)
def test_samples_reconcile_to_the_cent(gcp, sample):
    totals = focus_totals(gcp["world"])
    for key, raw in _raw_sample_totals(sample).items():
        billed, effective = totals[key]
        assert abs(billed - raw) <= CENT and abs(effective - raw) <= CENT, (sample.name, key, raw, billed)
        assert abs(billed - raw) <= MICRO
    rows = gcp["world"].query(
        "select count(*) from main_staging.stg_gcp__billing_export_line_items where source_file = ?",
        [str(sample)],
    )[0][0]
    with sample.open(newline="", encoding="utf-8") as handle:
        assert rows == sum(1 for _ in csv.DictReader(handle))


def test_the_partial_sample_is_refused_by_default_with_a_stated_reason(gcp):
    assert gcp["sample"].ok and gcp["partial_landed"].ok
    refused = gcp["partial_refused"]
    assert not refused.ok and not refused.landed
    message = refused.refused[0].message
    assert str(PARTIAL_SAMPLE) in message and "column 'usage_start_time'" in message
    assert "starts on 2020-11-08 (US Pacific), not on its first day 2020-11-01" in message
    assert any("--allow-partial-months" in w for w in gcp["partial_landed"].warnings)


def test_promotion_of_the_partial_sample_is_a_credit_row(gcp):
    credits = gcp["world"].query(
        "select count(*), sum(BilledCost), sum(EffectiveCost) from main_marts.focus_cost_and_usage "
        "where BillingAccountId = '000000-B0BBA4-940A77' and ChargeCategory = 'Credit'"
    )[0]
    assert credits[0] == 8 and Decimal(credits[1]) == Decimal("-0.000032") == Decimal(credits[2])


def test_validator_gate_passes_on_generated_data_and_samples(gcp, tmp_path):
    validator = ROOT / ".venv-focus" / "bin" / "focus-validator"
    if not validator.exists():
        pytest.skip("the FOCUS validator venv is absent (scripts/setup_focus_validator.sh)")
    from ai_finops.focus_gate import default_allowlist, run_focus_validator
    from ai_finops.marts import export_focus

    everything = tmp_path / "gcp_focus.parquet"
    export_focus(gcp["world"].db_path, everything, "parquet")
    # The samples and one generated month with pooled and linked commitments (`make test` gates the rest).
    out = tmp_path / "gcp_focus_subset.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_parquet('{everything}') where BillingAccountId in "
            "('000000-B0BBA4-940A77', '018984-D0AAA4-940B88') or x_billing_period = '2024-01') "
            f"to '{out}' (format parquet)"
        )
    result = run_focus_validator(out, allowlist=default_allowlist("1.2"), workdir=tmp_path / "validator")
    print(result.summary())
    assert result.passed, result.summary()


def test_rebuild_and_re_extraction_are_idempotent(gcp, dbt):
    world = gcp["world"]
    rows_before = world.query("select count(*) from main_marts.focus_cost_and_usage")[0][0]
    totals_before = focus_totals(world)
    with world.active():
        again = gcp_billing.ingest([gcp["exports"] / "gcp" / "billing_export"])
    assert again.ok and all(d.replaced for d in again.landed)
    # The mart and the tables under it (int_gcp__billing_line_items_priced holds the staged lines' ids).
    result = dbt(world, "build", "--select", "+focus_cost_and_usage", "--resource-type", "model")
    assert result.success, failed_nodes(result)
    assert world.query("select count(*) from main_marts.focus_cost_and_usage")[0][0] == rows_before
    assert focus_totals(world) == totals_before


def test_restatement_log_and_billing_periods_cover_gcp(gcp):
    """Every generated invoice month is in dim_billing_periods once, with its current extraction's Σ BilledCost
    (= the FOCUS total); each re-extracted month's earlier extraction is delivery 1 (open, the truth's earlier
    Σ) and the final extraction delivery 2, replacing it; lines balance in every delivery."""
    world, truth = gcp["world"], gcp["truth"]
    log = world.query(
        "select billing_account_id, billing_period, delivery_sequence, is_current_delivery, is_final, rows_before, "
        "rows_after, rows_added, rows_removed, billed_cost_before, billed_cost_after, effective_cost_after "
        "from main_marts.fct_billing_restatements where provider_name = 'gcp'"
    )
    by_key = {(r[0], r[1], r[2]): r for r in log}
    for r in log:
        assert r[6] == r[5] + r[7] - r[8], r
    earlier = {(e["billing_account_id"], e["billing_period"]): e for e in truth["earlier_extractions"]}
    for (account, period), e in earlier.items():
        first, second = by_key[(account, period, 1)], by_key[(account, period, 2)]
        assert not first[3] and second[3] and not first[4]
        assert abs(Decimal(first[10]) - Decimal(e["billed_cost"])) <= CENT
        assert Decimal(second[9]) == Decimal(first[10]) and second[5] == first[6]
    periods = {
        (a, p): (status, Decimal(billed), Decimal(effective), count)
        for a, p, status, billed, effective, count in world.query(
            "select billing_account_id, billing_period, billing_period_status, billed_cost, effective_cost, "
            "delivery_count from main_marts.dim_billing_periods where provider_name = 'gcp'"
        )
    }
    for expected in truth["totals"]:
        key = (expected["billing_account_id"], expected["billing_period"])
        status, billed, effective, count = periods[key]
        assert status in ("Open", "Closed")
        assert abs(billed - Decimal(expected["billed_cost"])) <= CENT, (key, billed, expected["billed_cost"])
        assert abs(effective - billed) <= CENT
        assert count >= (2 if key in earlier else 1)
