"""The bad-input corpus (issue 6, item 2), as one registry (`bad_input_corpus.CASES`) and its document.

This module checks the registry (every issue item and format covered, at least 30 cases, every referenced test
collected, `BAD_INPUT_CORPUS.md` generated from it) and implements the cases the per-format test modules did
not have. Each case here runs the ingest API in-process (one through the console script) and asserts its
outcome: read correctly (values checked), or refused with a message naming the file, the column and the
problem, without a traceback, and with the earlier landed data unchanged (landing zone byte-for-byte, row
counts and totals).
"""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from bad_input_corpus import CASES, EXTRA_ITEMS, FORMATS, HERE, ISSUE_ITEMS, markdown
from conftest import ROOT, World
from gcp_exports import ACCOUNT, billed, jsonl_lines, month_rows, write_jsonl, write_parquet
from test_azure_ingest_bad_input import HEADER as AZURE_HEADER
from test_azure_ingest_bad_input import row as azure_row
from test_azure_ingest_bad_input import write_csv as write_azure_csv

from ai_finops.ingest import gcp_billing
from ai_finops.ingest.runner import IngestReport, ingest_azure_cost

HERE_DIR = Path(__file__).parent
DOC = HERE_DIR / "BAD_INPUT_CORPUS.md"

# --------------------------------------------------------------------------------------------------
# the registry


def test_the_corpus_covers_every_item_and_format():
    assert len(CASES) >= 30
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids are unique"
    items = {c.item for c in CASES}
    assert items >= set(ISSUE_ITEMS), set(ISSUE_ITEMS) - items
    assert items <= set(ISSUE_ITEMS) | set(EXTRA_ITEMS), items - set(ISSUE_ITEMS) - set(EXTRA_ITEMS)
    assert {c.format for c in CASES} == set(FORMATS)
    assert all(c.outcome.startswith(("read: ", "refused: ")) for c in CASES)
    assert sum(c.console for c in CASES) >= 2, "a couple of cases go through the console script"


def test_the_document_lists_exactly_the_registered_cases():
    assert DOC.read_text() == markdown(), (
        "BAD_INPUT_CORPUS.md is out of date: python tests/python/bad_input_corpus.py > "
        "tests/python/BAD_INPUT_CORPUS.md"
    )
    listed = re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(), flags=re.M)
    assert listed == [c.id for c in CASES]


def test_every_referenced_test_exists():
    """Collect the referenced modules (no test runs) and look every case's test id up."""
    files = sorted({c.test.split("::")[0] for c in CASES} - {HERE})
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pytest"), "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        capture_output=True,
        text=True,
        cwd=HERE_DIR,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = {line.split("tests/python/")[-1] for line in done.stdout.splitlines() if "::" in line}
    here = {name for name in globals() if name.startswith("test_")}
    missing = []
    for case in CASES:
        file, _, name = case.test.partition("::")
        if file == HERE:
            if name not in here:
                missing.append(case.test)
        elif case.test not in collected:
            missing.append(case.test)
    assert not missing, missing


# --------------------------------------------------------------------------------------------------
# harness


def _state(world: World, views: list[str]) -> tuple:
    """What 'nothing landed changed' means: every landed file's hash, and per raw view rows and Σ cost."""
    totals = []
    for view, cost in views:
        totals.append(tuple(world.query(f"select count(*), sum({cost}) from {view}")[0]))
    return world.landing_snapshot(), tuple(totals)


AZURE_VIEWS = [("raw_azure.cost_details_actual", "cost_in_billing_currency")]
GCP_VIEWS = [("raw_gcp.gcp_billing_export_resource_v1", "cost")]


def refused(world: World, run, views, path: Path, column: str | None, *needles: str) -> str:
    before = _state(world, views)
    with world.active():
        report: IngestReport = run()
    assert not report.landed, f"{path.name} should have been refused"
    assert len(report.refused) == 1, report.refused
    message = report.refused[0].message
    assert path.name in message, message
    if column is not None:
        assert f"column {column!r}" in message, message
    for needle in needles:
        assert needle in message, message
    assert "Traceback" not in message
    assert _state(world, views) == before, "a refusal changed what had landed"
    reason = json.loads((report.refused[0].quarantined_to / "REASON.json").read_text())
    assert reason["reason"] == message
    return message


def read(world: World, run, views) -> IngestReport:
    """Must land; every delivery of another billing period stays byte-for-byte as it was."""
    before = world.landing_snapshot()
    with world.active():
        report: IngestReport = run()
    assert report.ok, [r.message for r in report.refused]
    touched = {f"billing_period={d.key.billing_period}" for d in report.landed}
    after = world.landing_snapshot()
    for path, digest in before.items():
        if not any(f"/{period}/" in path for period in touched):
            assert after.get(path) == digest, f"{path} changed although its period was not delivered"
    return report


# --------------------------------------------------------------------------------------------------
# Azure


@pytest.fixture(scope="module")
def azure(tmp_path_factory) -> World:
    """A world holding one good Azure delivery (2025-12, 4.00)."""
    world = World(tmp_path_factory.mktemp("corpus_azure"))
    good = write_azure_csv(world.root / "inputs" / "good" / "usage-actual.csv", [azure_row("4.00", day="12/03/2025",
                           BillingPeriodStartDate="12/01/2025", BillingPeriodEndDate="12/31/2025")])  # fmt: skip
    with world.active():
        assert ingest_azure_cost([good]).ok
    return world


def _azure_month(world: World, period: str = "2026-01") -> dict:
    return dict(
        world.query(
            "select 'rows', count(*) from raw_azure.cost_details_actual "
            "where strftime(billing_period_start_date, '%Y-%m') = ? union all "
            "select 'cost', sum(cost_in_billing_currency) from raw_azure.cost_details_actual "
            "where strftime(billing_period_start_date, '%Y-%m') = ?",
            [period, period],
        )
    )


def test_azure_thousands_separator_is_refused(azure, tmp_path):
    path = write_azure_csv(tmp_path / "thousands-actual.csv", [azure_row(), azure_row("1,234.50")])
    message = refused(azure, lambda: ingest_azure_cost([path]), AZURE_VIEWS, path, "CostInBillingCurrency",
                      "not a number", "data row 2", "'1,234.50'")  # fmt: skip
    assert "azure_cost" not in message  # the user sees the problem, not the suite's name


def test_azure_timestamps_without_a_zone_are_read(tmp_path):
    world = World(tmp_path / "world")
    path = write_azure_csv(tmp_path / "iso-actual.csv", [azure_row(day="2026-01-05T23:30:00"),
                           azure_row("1.50", day="2026-01-06 00:15:00")])  # fmt: skip
    read(world, lambda: ingest_azure_cost([path]), AZURE_VIEWS)
    days = world.query("select cast(date as varchar) from raw_azure.cost_details_actual order by 1")
    assert days == [("2026-01-05",), ("2026-01-06",)]


def test_azure_duplicate_file_in_one_delivery_is_refused(azure, tmp_path):
    first = write_azure_csv(tmp_path / "month" / "part-1-actual.csv", [azure_row("1.00")])
    twin = tmp_path / "month" / "part-2-actual.csv"
    twin.write_bytes(first.read_bytes())
    refused(azure, lambda: ingest_azure_cost([tmp_path / "month"]), AZURE_VIEWS, twin, None,
            "delivered twice", first.name)  # fmt: skip


def test_azure_month_delivered_three_times(tmp_path):
    world = World(tmp_path / "world")
    earlier = write_azure_csv(tmp_path / "d0" / "dec-actual.csv", [azure_row("9.00", day="12/03/2025",
                              BillingPeriodStartDate="12/01/2025", BillingPeriodEndDate="12/31/2025")])  # fmt: skip
    read(world, lambda: ingest_azure_cost([earlier]), AZURE_VIEWS)
    deliveries = [
        [azure_row("1.00", day="01/05/2026")],
        [azure_row("1.00", day="01/05/2026"), azure_row("2.00", day="01/20/2026")],
        [azure_row("1.10", day="01/05/2026"), azure_row("2.00", day="01/20/2026"), azure_row("0.40", day="01/31/2026")],
    ]  # fmt: skip
    expected = [(1, 1.0), (2, 3.0), (3, 3.5)]
    for number, (rows, (count, cost)) in enumerate(zip(deliveries, expected, strict=True), start=1):
        path = write_azure_csv(tmp_path / f"d{number}" / "jan-actual.csv", rows)
        report = read(world, lambda path=path: ingest_azure_cost([path]), AZURE_VIEWS)
        assert report.landed[0].replaced == (number > 1)
        month = _azure_month(world)
        assert month["rows"] == count and month["cost"] == pytest.approx(cost)
    assert _azure_month(world, "2025-12") == {"rows": 1, "cost": 9.0}
    archived = list((world.data_root / "archive").rglob("billing_period=2026-01/delivery=*"))
    assert len(archived) == 2


def test_azure_out_of_order_delivery_is_refused(tmp_path):
    world = World(tmp_path / "world")
    newer = write_azure_csv(tmp_path / "newer" / "jan-actual.csv",
                            [azure_row("1.00", day="01/05/2026"), azure_row("2.00", day="01/20/2026")])  # fmt: skip
    read(world, lambda: ingest_azure_cost([newer]), AZURE_VIEWS)
    older = write_azure_csv(tmp_path / "older" / "jan-actual.csv", [azure_row("1.00", day="01/05/2026")])
    refused(world, lambda: ingest_azure_cost([older]), AZURE_VIEWS, older, "Date", "out of order",
            "2026-01-05", "2026-01-20")  # fmt: skip


def test_azure_schema_drift_is_read(tmp_path):
    world = World(tmp_path / "world")
    dropped = {"ResourceId", "Tags", "ConsumedService"}
    header = [h for h in AZURE_HEADER if h not in dropped] + ["ShinyNewColumn"]
    rows = [[v for h, v in zip(AZURE_HEADER, azure_row("2.25"), strict=True) if h not in dropped] + ["x"]]
    path = write_azure_csv(tmp_path / "drift-actual.csv", rows, header=header)
    report = read(world, lambda: ingest_azure_cost([path]), AZURE_VIEWS)
    facts = json.loads((report.landed[0].folder / "_delivery.json").read_text())["source_files"][0]
    assert facts["unmapped_columns"] == ["ShinyNewColumn"]
    assert world.query(
        "select cost_in_billing_currency, resource_id, cardinality(tags) from raw_azure.cost_details_actual"
    ) == [(2.25, None, None)]


def test_azure_unicode_quotes_and_large_tag_maps_are_read(tmp_path):
    world = World(tmp_path / "world")
    tags = {"team": 'Zoë "quoted" 研究', "cost-center": "a,b;c"} | {f"k{i:03d}": f"v{i}" for i in range(298)}
    text = json.dumps(tags, ensure_ascii=False)[1:-1]  # EA writes tags without their outer braces
    path = write_azure_csv(tmp_path / "tags-actual.csv", [azure_row(tags=text)], prefix="\ufeff")
    read(world, lambda: ingest_azure_cost([path]), AZURE_VIEWS)
    (count, team, center), = world.query(
        "select cardinality(tags), tags['team'], tags['cost-center'] from raw_azure.cost_details_actual"
    )  # fmt: skip
    assert (count, team, center) == (300, 'Zoë "quoted" 研究', "a,b;c")


def test_azure_console_script_refusal(azure, tmp_path):
    path = write_azure_csv(tmp_path / "cli-actual.csv", [azure_row("n/a")])
    before = _state(azure, AZURE_VIEWS)
    env = {
        "AI_FINOPS_DATA_ROOT": str(azure.data_root),
        "AI_FINOPS_DUCKDB_PATH": str(azure.db_path),
        "AI_FINOPS_GX_DOCS": "off",
        "PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin",
        "COLUMNS": "250",
    }
    done = subprocess.run(
        ["ai-finops", "ingest", "azure-cost", str(path)], capture_output=True, text=True, env=env
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert (
        "cli-actual.csv" in done.stderr and "CostInBillingCurrency" in done.stderr and "'n/a'" in done.stderr
    )
    assert _state(azure, AZURE_VIEWS) == before


# --------------------------------------------------------------------------------------------------
# GCP


@pytest.fixture(scope="module")
def gcp(tmp_path_factory) -> World:
    """A world holding one good GCP extraction (invoice month 202609)."""
    world = World(tmp_path_factory.mktemp("corpus_gcp"))
    good = write_parquet(month_rows("202609"), world.root / "good" / "invoice_month=202609" / "part.parquet")
    with world.active():
        assert gcp_billing.ingest([good]).ok
    return world


def _gcp_month(world: World, month: str) -> tuple:
    return world.query(
        "select count(*), sum(cost) from raw_gcp.gcp_billing_export_resource_v1 where invoice.month = ?",
        [month],
    )[0]


def test_gcp_timestamps_without_a_zone_are_read_as_utc(tmp_path):
    world = World(tmp_path / "world")
    rows = month_rows("202610")
    lines = [line.replace(' UTC"', '"') for line in jsonl_lines(rows)]
    path = write_jsonl(rows, tmp_path / "noz" / "export.jsonl", lines)
    read(world, lambda: gcp_billing.ingest([path]), GCP_VIEWS)
    first = world.query("select min(usage_start_time) from raw_gcp.gcp_billing_export_resource_v1")[0][0]
    assert first.replace(tzinfo=None) == rows[0]["usage_start_time"].astimezone(
        __import__("datetime").UTC
    ).replace(tzinfo=None)
    assert _gcp_month(world, "202610") == (len(rows), pytest.approx(1.25 * len(rows)))


def test_gcp_wrong_date_format_is_refused(gcp, tmp_path):
    rows = month_rows("202610")
    lines = jsonl_lines(rows)
    first = json.loads(lines[1])
    first["usage_start_time"] = "10/02/2026 19:00"
    lines[1] = json.dumps(first)
    path = write_jsonl(rows, tmp_path / "usdate" / "export.jsonl", lines)
    message = refused(
        gcp, lambda: gcp_billing.ingest([path]), GCP_VIEWS, path, "usage_start_time", "'10/02/2026 19:00'"
    )
    assert "row 2" in message or "line 2" in message, message


def test_gcp_empty_file_is_refused(gcp, tmp_path):
    path = tmp_path / "empty" / "export.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("")
    refused(gcp, lambda: gcp_billing.ingest([path]), GCP_VIEWS, path, None, "no rows")


def test_gcp_duplicate_file_in_one_delivery_is_refused(gcp, tmp_path):
    folder = tmp_path / "invoice_month=202610"
    first = write_jsonl(month_rows("202610"), folder / "a.jsonl")
    twin = folder / "b.jsonl"
    twin.write_bytes(first.read_bytes())
    refused(gcp, lambda: gcp_billing.ingest([folder]), GCP_VIEWS, twin, None, "delivered twice")


def test_gcp_month_delivered_three_times(tmp_path):
    world = World(tmp_path / "world")
    read(world, lambda: gcp_billing.ingest([write_parquet(month_rows("202608"), tmp_path / "e" / "x.parquet")]),
         GCP_VIEWS)  # fmt: skip
    import datetime as dt

    totals = []
    for number, cost in enumerate(("1.25", "1.50", "1.00"), start=1):
        rows = month_rows("202609", cost=cost)
        for r in rows:  # each extraction is exported later than the last
            r["export_time"] = r["export_time"] + dt.timedelta(days=number)
        path = write_parquet(rows, tmp_path / f"x{number}" / "export.parquet")
        report = read(world, lambda path=path: gcp_billing.ingest([path]), GCP_VIEWS)
        assert report.landed[0].replaced == (number > 1)
        assert Decimal(str(report.landed[0].billed_cost)).quantize(Decimal("0.01")) == billed(rows).quantize(
            Decimal("0.01")
        )
        totals.append(_gcp_month(world, "202609"))
    assert [t[1] for t in totals] == [pytest.approx(float(c) * 30) for c in ("1.25", "1.50", "1.00")]
    assert _gcp_month(world, "202608")[0] == 31
    assert len(list((world.data_root / "archive").rglob("billing_period=2026-09/delivery=*"))) == 2


def test_gcp_schema_drift_new_field_is_read(tmp_path):
    world = World(tmp_path / "world")
    rows = month_rows("202610")
    lines = [json.dumps({**json.loads(line), "shiny_new_field": {"a": 1}}) for line in jsonl_lines(rows)]
    path = write_jsonl(rows, tmp_path / "drift" / "export.jsonl", lines)
    report = read(world, lambda: gcp_billing.ingest([path]), GCP_VIEWS)
    facts = json.loads((report.landed[0].folder / "_delivery.json").read_text())["source_files"][0]
    assert "shiny_new_field" in json.dumps(facts["unmapped_columns"])
    assert _gcp_month(world, "202610") == (len(rows), pytest.approx(1.25 * len(rows)))


def test_gcp_unicode_quotes_and_large_label_maps_are_read(tmp_path):
    world = World(tmp_path / "world")
    rows = month_rows("202610")
    labels = [{"key": "team", "value": 'Zoë "quoted" 研究'}] + [
        {"key": f"k{i:03d}", "value": f"v{i}"} for i in range(299)
    ]
    for r in rows:
        r["labels"] = labels
    path = write_parquet(rows, tmp_path / "labels" / "export.parquet")
    read(world, lambda: gcp_billing.ingest([path]), GCP_VIEWS)
    (count, team), = set(world.query(
        "select len(labels), list_filter(labels, lambda l: l.key = 'team')[1].value "
        "from raw_gcp.gcp_billing_export_resource_v1"
    ))  # fmt: skip
    assert (count, team) == (300, 'Zoë "quoted" 研究')
    assert ACCOUNT in {
        r[0] for r in world.query("select billing_account_id from raw_gcp.gcp_billing_export_resource_v1")
    }
