"""Business invariants of the GCP billing-export demo generator (the facts the ingest and dbt models rely on)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ai_finops.generate.gcp_billing import ACCOUNTS, generate_gcp_billing, pacific_month_start
from ai_finops.ingest.gcp_billing import _read_jsonl
from ai_finops.ingest.gcp_billing_schema import CREDIT_TYPES, EXPORT_SCHEMA

ARGS = {"seed": 5, "scale": 0.05, "months": 2, "last_period": "2026-02"}
PLATFORM = ACCOUNTS["platform"].billing_account_id
RESEARCH = ACCOUNTS["research"].billing_account_id


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gcp_generated")
    summary = generate_gcp_billing(out, **ARGS)
    truth = json.loads((out / "truth" / "gcp_billing.json").read_text())
    tables = {}
    for folder in sorted((out / "gcp" / "billing_export").glob("*/invoice_month=*")):
        parts = []
        for file in sorted(folder.iterdir()):
            if file.suffix == ".parquet":
                parts.append(pq.read_table(file))
            else:
                table, _, _ = _read_jsonl(file)
                parts.append(table)
        tables[(folder.parent.name, folder.name.split("=")[1])] = pa.concat_tables(parts)
    return out, summary, truth, tables


@pytest.fixture(scope="module")
def con(generated):
    """The generated rows in DuckDB: one view per (billing account, invoice month), and `all_rows`."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    tables = generated[3]
    connection.register("all_rows", pa.concat_tables(list(tables.values())))
    yield connection
    connection.close()


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_the_same_files(generated, tmp_path):
    out, _, _, _ = generated
    again = tmp_path / "again"
    generate_gcp_billing(again, **ARGS)
    assert _digest(again) == _digest(out)


def test_files_have_the_export_schema_and_layout(generated):
    out, summary, _, tables = generated
    parquet = [p for p in (out / "gcp" / "billing_export").rglob("*.parquet")]
    assert parquet and all(pq.read_schema(p).equals(EXPORT_SCHEMA) for p in parquet)
    assert {key for key in tables} == {
        (PLATFORM, "202601"),
        (PLATFORM, "202602"),
        (RESEARCH, "202312"),
        (RESEARCH, "202401"),
    }
    last = out / "gcp" / "billing_export" / PLATFORM / "invoice_month=202602"
    assert sorted(p.name for p in last.iterdir()) == [
        "part-000000000000.parquet",
        "part-000000000001.parquet",
    ]
    json_files = list((out / "gcp" / "billing_export" / RESEARCH).rglob("*.json"))
    assert len(json_files) == 2
    first = json.loads(json_files[0].read_text().splitlines()[0])
    assert first["usage_start_time"].endswith(" UTC") and isinstance(first["price"]["effective_price"], str)
    assert summary["truth_file"] == "truth/gcp_billing.json"


def test_truth_is_the_sum_of_the_written_values(generated):
    _, _, truth, tables = generated
    for expected in truth["totals"]:
        table = tables[(expected["billing_account_id"], expected["invoice_month"])]
        cost = sum(round(v * 1_000_000) for v in table.column("cost").to_pylist())
        by_type: dict[str, int] = defaultdict(int)
        for credits in table.column("credits").to_pylist():
            for credit in credits:
                by_type[credit["type"]] += round(credit["amount"] * 1_000_000)
        assert table.num_rows == expected["row_count"]
        assert Decimal(cost).scaleb(-6) == Decimal(expected["cost"])
        assert {k: Decimal(v).scaleb(-6) for k, v in by_type.items()} == {
            k: Decimal(v) for k, v in expected["credits_by_type"].items()
        }
        assert Decimal(cost + sum(by_type.values())).scaleb(-6) == Decimal(expected["billed_cost"])
        assert set(table.column("currency").to_pylist()) == {expected["currency"]}
        assert set(m["month"] for m in table.column("invoice").to_pylist()) == {expected["invoice_month"]}


def test_every_credit_type_and_cost_type_is_exercised(generated):
    _, _, truth, _ = generated
    types = {t for total in truth["totals"] for t in total["credits_by_type"]}
    assert types == set(CREDIT_TYPES[:8])
    cost_types = {t for total in truth["totals"] for t in total["cost_type_rows"]}
    assert cost_types == {"regular", "tax", "adjustment", "rounding_error", "rounding error"}


def test_both_spend_based_cud_models(con):
    """Legacy credits before 2026-01-21 08:00 UTC, discounted prices and a $1 fee offset after it."""
    switch = "timestamptz '2026-01-21 08:00:00+00'"
    facts = con.execute(
        f"""
        select
            count(*) filter (where list_contains(list_transform(credits, lambda c: c.type),
                'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE')) as legacy,
            count(*) filter (where list_contains(list_transform(credits, lambda c: c.type),
                'COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE') and usage_start_time >= {switch}) as legacy_after,
            count(*) filter (where list_contains(list_transform(credits, lambda c: c.type), 'FEE_UTILIZATION_OFFSET'))
                as offsets,
            count(*) filter (where list_contains(list_transform(credits, lambda c: c.type), 'FEE_UTILIZATION_OFFSET')
                and (usage_start_time < {switch} or not starts_with(sku.description, 'Commitment - dollar based')))
                as misplaced_offsets,
            count(*) filter (where consumption_model.description like 'Compute Flexible%') as discounted,
            count(*) filter (where consumption_model.description like 'Compute Flexible%'
                and (usage_start_time < {switch} or cost >= cost_at_effective_price_default
                     or subscription.instance_id is null)) as bad_discounted
        from all_rows
        where billing_account_id = '{PLATFORM}'
        """
    ).fetchone()
    legacy, legacy_after, offsets, misplaced, discounted, bad = facts
    assert legacy and offsets and discounted
    assert legacy_after == misplaced == bad == 0


def test_commitments_link_by_subscription_only_from_2024_01_25(con):
    wrong = con.execute(
        """
        select count(*) from all_rows
        where
            (starts_with(sku.description, 'Commitment')
             or list_contains(list_transform(credits, lambda c: left(c.type, 24)), 'COMMITTED_USAGE_DISCOUNT'))
            and (subscription.instance_id is not null) <> (usage_start_time >= timestamptz '2024-01-25 08:00:00+00')
        """
    ).fetchone()[0]
    assert wrong == 0
    fees = {
        d
        for (d,) in con.execute(
            f"select distinct sku.description from all_rows where billing_account_id = '{PLATFORM}' "
            "and starts_with(sku.description, 'Commitment v1:')"
        ).fetchall()
    }
    assert {
        "Commitment v1: Nvidia Tesla A100 GPU running in Americas for 1 Year",
        "Commitment v1: Nvidia H100 80GB GPU running in Americas for 3 Year",
        "Commitment v1: Nvidia L4 GPU running in Americas for 1 Year",
    } <= fees


def test_late_usage_and_corrections_arrive_in_the_next_invoice_month(con):
    start = pacific_month_start(2026, 2).strftime("%Y-%m-%d %H:%M:%S+00")
    late = con.execute(
        f"""
        select cost_type, adjustment_info.type, count(*), sum(cost) from all_rows
        where invoice.month = '202602' and usage_start_time < timestamptz '{start}'
        group by all order by all
        """
    ).fetchall()
    assert [(t, a, n) for t, a, n, _ in late] == [("adjustment", "USAGE_CORRECTION", 4), ("regular", None, 8)]
    assert late[0][3] < 0  # negated, then restated at 80 %


def test_gpu_and_vertex_rows_with_labels(con):
    skus = {d for (d,) in con.execute("select distinct sku.description from all_rows").fetchall()}
    for gpu in ("A100", "H100", "L4", "T4"):
        assert any(gpu in (s or "") and "GPU running" in s for s in skus), gpu
    vertex = con.execute(
        """
        select
            count(*) filter (where sku.description like '%Training%'),
            count(*) filter (where sku.description like '%Prediction%'),
            count(*) filter (where list_contains(list_transform(labels, lambda l: l.key), 'training-run')
                and resource.global_name like '//aiplatform.googleapis.com/%')
        from all_rows where service.description = 'Vertex AI'
        """
    ).fetchone()
    assert all(vertex)
    specs = {
        v
        for (v,) in con.execute(
            "select distinct list_filter(system_labels, lambda s: s.key = 'compute.googleapis.com/machine_spec')[1].value "
            "from all_rows"
        ).fetchall()
    }
    assert {"a2-highgpu-1g", "a3-highgpu-8g", "g2-standard-4", "n1-standard-8"} <= specs


def test_promotions_sometimes_stack(con):
    stacked = con.execute(
        "select count(*) from all_rows where len(list_filter(credits, lambda c: c.type = 'PROMOTION')) = 2"
    ).fetchone()[0]
    assert stacked > 0


@pytest.mark.parametrize("year", range(2007, 2031))
def test_pacific_month_start_matches_the_time_zone_database(year):
    pacific = zoneinfo.ZoneInfo("America/Los_Angeles")
    for month in range(1, 13):
        expected = dt.datetime(year, month, 1, tzinfo=pacific).astimezone(dt.UTC)
        assert pacific_month_start(year, month) == expected
