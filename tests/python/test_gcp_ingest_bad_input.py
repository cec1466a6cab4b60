"""GCP bad input: every case is read correctly or refused with a message naming the file, the column and the
problem; a refused delivery is quarantined with its reason and nothing landed before changes. Inputs are tiny
hand-built extractions (tests/python/gcp_exports.py); two cases go through the console script.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, World
from gcp_exports import (
    ACCOUNT,
    FLAT_COLUMNS,
    billed,
    jsonl_lines,
    month_rows,
    write_flat_csv,
    write_jsonl,
    write_parquet,
)

from ai_finops.ingest import gcp_billing
from ai_finops.ingest.gcp_billing import partial_month_problems


@pytest.fixture(scope="module")
def landed_world(tmp_path_factory):
    """A world holding one good delivery (invoice month 202609); refusals must leave it as it is."""
    world = World(tmp_path_factory.mktemp("gcp_bad_input"))
    good = write_parquet(
        month_rows("202609"), world.root / "good" / "invoice_month=202609" / "part-000000000000.parquet"
    )
    with world.active():
        report = gcp_billing.ingest([good])
    assert report.ok, report.refused
    return world


def refuse(world: World, inputs: list[Path], **kwargs) -> str:
    """Ingest `inputs`; assert it was refused and nothing landed changed; return the message."""
    before = world.landing_snapshot()
    with world.active():
        report = gcp_billing.ingest(inputs, **kwargs)
    assert not report.ok and not report.landed, report.landed
    assert world.landing_snapshot() == before
    assert len(report.refused) == 1
    refusal = report.refused[0]
    if refusal.quarantined_to is not None:
        reason = json.loads((refusal.quarantined_to / "REASON.json").read_text())
        assert reason["reason"] == refusal.message
    return refusal.message


def test_the_good_delivery_landed(landed_world):
    rows = landed_world.query(
        "select invoice.month, count(*), sum(cost), sum(list_sum(list_transform(credits, lambda c: c.amount))) "
        "from raw_gcp.gcp_billing_export_resource_v1 group by 1"
    )
    assert rows == [("202609", 30, 37.5, pytest.approx(-7.6))]


def test_credits_that_are_not_valid_json_are_refused(landed_world, tmp_path):
    def break_credits(index, flat):
        if index == 3:
            flat["credits"] = "[{'name': 'Sustained Usage Discount', 'amount': -0.25, 'type':"

    path = write_flat_csv(month_rows("202610"), tmp_path / "broken_credits.csv", edit=break_credits)
    message = refuse(landed_world, [path])
    assert str(path) in message
    assert "column 'credits'" in message
    assert "data row 4" in message and "neither valid JSON" in message and "Python literal" in message


def test_credits_json_text_inside_json_lines_is_checked(landed_world, tmp_path):
    rows = month_rows("202610")
    lines = jsonl_lines(rows)
    record = json.loads(lines[2])
    record["credits"] = '[{"name": "x", "amount": -0.25,'
    lines[2] = json.dumps(record)
    path = write_jsonl(rows, tmp_path / "credits_text.json", lines)
    message = refuse(landed_world, [path])
    assert "column 'credits'" in message and "data row 3" in message and "neither valid JSON" in message


def test_credits_as_python_literals_code_is_never_evaluated(landed_world, tmp_path):
    def smuggle(index, flat):
        if index == 0:
            flat["credits"] = "[__import__('os').system('echo pwned')]"

    path = write_flat_csv(month_rows("202610"), tmp_path / "smuggled.csv", edit=smuggle)
    message = refuse(landed_world, [path])
    assert "column 'credits'" in message and "neither valid JSON" in message


def test_a_json_line_that_is_not_json_is_refused_with_its_line(landed_world, tmp_path):
    rows = month_rows("202610")
    lines = jsonl_lines(rows)
    lines[5] = lines[5][:40]
    path = write_jsonl(rows, tmp_path / "truncated.json", lines)
    message = refuse(landed_world, [path])
    assert "line 6 is not valid JSON" in message


def test_a_missing_invoice_month_column_is_refused(landed_world, tmp_path):
    columns = [c for c in FLAT_COLUMNS if c != "invoice.month"]
    path = write_flat_csv(month_rows("202610"), tmp_path / "no_invoice_month.csv", columns=columns)
    message = refuse(landed_world, [path])
    assert "column 'invoice.month': required column is missing" in message


def test_rows_without_invoice_month_are_refused(landed_world, tmp_path):
    rows = month_rows("202610")
    rows[7]["invoice"] = {"month": None, "publisher_type": "GOOGLE"}
    path = write_parquet(rows, tmp_path / "null_invoice_month.parquet")
    message = refuse(landed_world, [path])
    assert "column 'invoice.month'" in message and "1 row(s) has no invoice.month" in message
    assert "first at data row 8" in message


def test_an_invoice_month_that_is_not_yyyymm_is_refused(landed_world, tmp_path):
    def dashed(index, flat):
        flat["invoice.month"] = "2026-10"

    path = write_flat_csv(month_rows("202610"), tmp_path / "dashed_month.csv", edit=dashed)
    message = refuse(landed_world, [path])
    assert "column 'invoice.month'" in message and "is not an invoice month YYYYMM" in message


def test_a_file_holding_part_of_an_invoice_month_is_refused(landed_world, tmp_path):
    path = write_parquet(month_rows("202610", days=range(9, 31)), tmp_path / "from_the_10th.parquet")
    message = refuse(landed_world, [path])
    assert "column 'usage_start_time'" in message and "holds only part of an invoice month" in message
    assert "starts on 2026-10-10 (US Pacific), not on its first day 2026-10-01" in message
    assert "--allow-partial-months" in message


def test_a_file_cut_before_its_month_ended_is_refused(landed_world, tmp_path):
    rows = month_rows("202610", days=range(0, 12))
    late = month_rows("202610", days=range(30, 31))[0]
    late["usage_start_time"] = rows[0]["usage_start_time"]  # a row of the first day exported at month end
    late["usage_end_time"] = rows[0]["usage_end_time"]
    path = write_parquet([*rows, late], tmp_path / "first_twelve_days.parquet")
    message = refuse(landed_world, [path])
    assert "usage inside the month ends on 2026-10-12" in message and "exported up to 2026-10-31" in message


def test_a_partial_month_lands_when_allowed_with_a_warning(tmp_path):
    world = World(tmp_path / "world")
    rows = month_rows("202610", days=range(9, 31))
    path = write_parquet(rows, tmp_path / "from_the_10th.parquet")
    with world.active():
        report = gcp_billing.ingest([path], allow_partial_months=True)
    assert report.ok and [(d.key.billing_account, d.key.billing_period) for d in report.landed] == [
        (ACCOUNT, "2026-10")
    ]
    assert any("--allow-partial-months" in w and "starts on 2026-10-10" in w for w in report.warnings)
    meta = json.loads(next(world.raw_root.rglob("_delivery.json")).read_text())
    assert any(w["check"] == "whole_invoice_month" for w in meta["quality_warnings"])
    total = world.query(
        "select sum(cost) + sum(list_sum(list_transform(credits, lambda c: c.amount))) "
        "from raw_gcp.gcp_billing_export_resource_v1"
    )[0][0]
    assert Decimal(str(round(total, 6))) == billed(rows)


def test_one_shard_of_a_multi_file_export_is_refused(landed_world, tmp_path):
    rows = month_rows("202610")
    folder = tmp_path / "invoice_month=202610"
    first = write_parquet(rows[:15], folder / "part-000000000000.parquet")
    write_parquet(rows[15:], folder / "part-000000000001.parquet")
    message = refuse(landed_world, [first])
    assert "one shard of a multi-file export" in message and "part-000000000001.parquet" in message
    with landed_world.active():  # the folder lands: both shards together
        report = gcp_billing.ingest([folder])
    assert report.ok and report.landed[0].rows == 31


def test_a_folder_month_that_disagrees_with_the_rows_is_refused(landed_world, tmp_path):
    path = write_jsonl(month_rows("202611"), tmp_path / "invoice_month=202610" / "part-000000000000.json")
    message = refuse(landed_world, [path])
    assert "column 'invoice.month'" in message
    assert "the folder says invoice_month=202610 but the rows' invoice.month says 202611" in message


def test_money_that_is_not_a_finite_number_is_refused(landed_world, tmp_path):
    def text_cost(index, flat):
        if index == 2:
            flat["cost"] = "twelve"

    path = write_flat_csv(month_rows("202610"), tmp_path / "text_cost.csv", edit=text_cost)
    message = refuse(landed_world, [path])
    assert "column 'cost'" in message and "data row 3" in message and "'twelve'" in message
    rows = month_rows("202610")
    rows[4]["cost"] = float("nan")
    message = refuse(landed_world, [write_parquet(rows, tmp_path / "nan_cost.parquet")])
    assert "column 'cost'" in message and "not a finite number" in message and "data row 5" in message


def test_an_unknown_cost_type_is_refused_and_both_rounding_spellings_are_read(landed_world, tmp_path):
    message = refuse(
        landed_world, [write_parquet(month_rows("202610", cost_type="surcharge"), tmp_path / "x.parquet")]
    )
    assert "column 'cost_type'" in message and "'surcharge'" in message
    world = World(tmp_path / "world")
    with world.active():
        for spelling, month in (("rounding error", "202610"), ("rounding_error", "202611")):
            rows = month_rows(month)
            rows[-1]["cost_type"] = spelling
            report = gcp_billing.ingest([write_parquet(rows, tmp_path / spelling / f"m{month}.parquet")])
            assert report.ok, report.refused
    assert world.query(
        "select cost_type, count(*) from raw_gcp.gcp_billing_export_resource_v1 where cost_type like 'rounding%' "
        "group by 1 order by 1"
    ) == [("rounding error", 1), ("rounding_error", 1)]


def test_flattened_parquet_is_refused_clearly(landed_world, tmp_path):
    table = pa.table({"billing_account_id": [ACCOUNT], "invoice.month": ["202610"], "cost": [1.0]})
    path = tmp_path / "flattened.parquet"
    pq.write_table(table, path)
    message = refuse(landed_world, [path])
    assert "flattened (dotted) column names" in message


def test_csv_credits_as_json_and_as_python_repr_read_the_same(tmp_path):
    rows = month_rows("202610")
    as_repr = write_flat_csv(rows, tmp_path / "repr" / "m.csv")

    def as_json(index, flat):
        flat["credits"] = json.dumps(rows[index]["credits"])
        flat["labels"] = json.dumps(rows[index]["labels"])

    as_json_path = write_flat_csv(rows, tmp_path / "json" / "m.csv", edit=as_json)
    totals = []
    for path in (as_repr, as_json_path):
        world = World(path.parent / "world")
        with world.active():
            report = gcp_billing.ingest([path])
        assert report.ok, report.refused
        totals.append(
            world.query(
                "select count(*), sum(len(credits)), sum(list_sum(list_transform(credits, lambda c: c.amount))), "
                "min(labels[1].value) from raw_gcp.gcp_billing_export_resource_v1"
            )
        )
    assert totals[0] == totals[1]
    assert totals[0][0][:2] == (31, 32)


def test_an_older_extraction_arriving_later_is_refused(tmp_path):
    world = World(tmp_path / "world")
    rows = month_rows("202610")
    newer = write_parquet(rows, tmp_path / "newer" / "m.parquet")
    older_rows = month_rows("202610", days=range(0, 20))  # an extraction made on the 21st
    older = write_parquet(older_rows, tmp_path / "older" / "m.parquet")
    with world.active():
        assert gcp_billing.ingest([newer]).ok
    message = refuse(world, [older])
    assert "out of order" in message and "column 'export_time'" in message


def test_partial_month_rule_on_its_own():
    from datetime import date

    whole = (
        "A",
        "202610",
        date(2026, 10, 1),
        date(2026, 10, 31),
        date(2026, 11, 2),
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    open_month = (
        "A",
        "202610",
        date(2026, 10, 1),
        date(2026, 10, 19),
        date(2026, 10, 20),
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    late_only = ("A", "202611", None, None, date(2026, 11, 3), date(2026, 11, 1), date(2026, 11, 30))
    head_cut = (
        "A",
        "202610",
        date(2026, 10, 5),
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2026, 10, 1),
        date(2026, 10, 31),
    )
    assert partial_month_problems([whole, open_month, late_only]) == []
    assert len(partial_month_problems([head_cut])) == 1


def test_cli_refuses_a_partial_month_and_lands_it_when_allowed(tmp_path):
    world = World(tmp_path / "world")
    path = write_parquet(month_rows("202610", days=range(9, 31)), tmp_path / "partial.parquet")
    env = {
        "AI_FINOPS_DATA_ROOT": str(world.data_root),
        "AI_FINOPS_DUCKDB_PATH": str(world.db_path),
        "AI_FINOPS_GX_DOCS": "off",
        "PATH": "/usr/bin:/bin",
    }
    cli = str(ROOT / ".venv" / "bin" / "ai-finops")
    refused = subprocess.run(
        [cli, "ingest", "gcp-billing", str(path)], capture_output=True, text=True, env=env
    )
    assert refused.returncode == 1
    assert "holds only part of an invoice month" in refused.stderr and "Traceback" not in refused.stderr
    landed = subprocess.run(
        [cli, "ingest", "gcp-billing", str(path), "--allow-partial-months"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert landed.returncode == 0, landed.stderr
    assert f"landed gcp billing_export {ACCOUNT} 2026-10: 22 rows" in landed.stdout


def test_the_raw_export_does_not_silently_overlap_googles_native_focus_export(tmp_path):
    """The same GCP billing account x month from the native FOCUS export and the raw export would count the bill
    twice: refused, unless --supersede moves the landed one to the archive."""
    from ai_finops.ingest.runner import ingest_focus

    world = World(tmp_path / "world")
    native = ROOT / "tests" / "fixtures" / "focus" / "synthetic" / "gcp-focus"
    raw = write_parquet(month_rows("202609", account="01ABCD-234567-89EF01"), tmp_path / "raw.parquet")
    with world.active():
        assert ingest_focus([native]).ok
    message = refuse(world, [raw])
    assert "already landed from source kind 'focus'" in message and "--supersede" in message
    with world.active():
        report = gcp_billing.ingest([raw], supersede=True)
    assert report.ok and report.landed[0].superseded


def test_json_lines_without_null_fields_or_empty_lists_are_read(tmp_path):
    """BigQuery's JSON export leaves NULL fields out; a line without `credits`, `labels` or `resource` is a row
    with no credits, no labels and no resource, not a missing column."""
    rows = month_rows("202610")
    lines = []
    for line in jsonl_lines(rows):
        record = json.loads(line)
        if not record["credits"] or len(record["credits"]) == 1:
            record.pop("credits")
        for key in ("labels", "resource", "tags", "seller_name"):
            record.pop(key, None)
        lines.append(json.dumps(record))
    world = World(tmp_path / "world")
    with world.active():
        report = gcp_billing.ingest([write_jsonl(rows, tmp_path / "sparse.json", lines)])
    assert report.ok, report.refused
    assert world.query(
        "select count(*), sum(len(credits)), count(resource), sum(len(labels)) from raw_gcp.gcp_billing_export_resource_v1"
    ) == [(31, 2, 0, 0)]
