"""The bad-input corpus: every case is read correctly or refused with a message naming the file, the column
and the problem; no traceback reaches the user; a refused file is quarantined with its reason and nothing
landed before changes. Cases call the ingest API in-process; two go through the console script.

Refusals share one module-scoped world holding one good delivery (refusing never changes it). Cases that
land data get a world of their own with one earlier delivery, and check that delivery stays as it was.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import AWS_FIXTURES, ROOT, World

from ai_finops.generate import generate_aws_cur2
from ai_finops.ingest.runner import ingest_aws_cur

HEADER = [
    "identity/LineItemId",
    "bill/PayerAccountId",
    "bill/BillType",
    "bill/InvoiceId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageType",
    "lineItem/UsageAmount",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedCost",
    "resourceTags/user:Team",
]


def row(
    cost: str = "1.25",
    period: str = "2026-01",
    payer: str = "000111222333",
    team: str = "search",
    *,
    kind: str = "Usage",
    usage: str = "1",
    currency: str = "USD",
    start: str | None = None,
    end: str | None = None,
    bill_type: str = "Anniversary",
    invoice: str = "",
    day: int = 2,
) -> list[str]:
    next_period = f"{int(period[:4]) + int(period[5:]) // 12}-{int(period[5:]) % 12 + 1:02d}"
    return [
        "li-1",
        payer,
        bill_type,
        invoice,
        f"{period}-01T00:00:00Z",
        f"{next_period}-01T00:00:00Z",
        "444555666777",
        kind,
        start or f"{period}-{day:02d}T00:00:00Z",
        end or f"{period}-{day:02d}T01:00:00Z",
        "AmazonEC2",
        "BoxUsage:g5.xlarge",
        usage,
        currency,
        cost,
        team,
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, prefix: str = "") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(prefix + buffer.getvalue(), encoding="utf-8")
    return path


def without(column: str, rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    index = HEADER.index(column)
    return [h for h in HEADER if h != column], [[v for i, v in enumerate(r) if i != index] for r in rows]


# --------------------------------------------------------------------------------------------------
# worlds and the two outcomes


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> World:
    """A world that already holds one good delivery, so every refusal can prove nothing changed."""
    world = World(tmp_path_factory.mktemp("refusals"))
    good = write_csv(world.root / "inputs" / "good" / "cur.csv", [row("2.50", period="2025-12")])
    with world.active():
        report = ingest_aws_cur([good])
    assert report.ok, report.refused
    return world


@pytest.fixture
def fresh(tmp_path) -> World:
    """A world of its own with one earlier delivery (2025-11), for cases that land data."""
    world = World(tmp_path / "world")
    earlier = write_csv(tmp_path / "inputs" / "earlier" / "cur.csv", [row("9.00", period="2025-11")])
    with world.active():
        assert ingest_aws_cur([earlier]).ok
    return world


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad-inputs")


def refuse(world: World, inputs: Path | list[Path], *needles: str, column: str | None = None) -> str:
    """Ingest must refuse: one refusal naming the file (and column), quarantined, nothing landed changed."""
    paths = inputs if isinstance(inputs, list) else [inputs]
    before = world.landing_snapshot()
    with world.active():
        report = ingest_aws_cur(paths)
    assert not report.landed, f"{paths} should have been refused"
    assert len(report.refused) == 1, report.refused
    message = report.refused[0].message
    assert any(p.name in message for p in paths), message
    if column is not None:
        assert f"column {column!r}" in message, message
    for needle in needles:
        assert needle in message, message
    assert "Traceback" not in message
    assert world.landing_snapshot() == before, "a refused file changed what had landed"
    quarantined = report.refused[0].quarantined_to
    if quarantined is not None:
        reason = json.loads((quarantined / "REASON.json").read_text())
        assert reason["reason"] == message
        assert reason["problems"][0] == message
    return message


def accept(world: World, inputs: Path | list[Path]):
    """Ingest must land everything, leaving every delivery of another billing period as it was."""
    paths = inputs if isinstance(inputs, list) else [inputs]
    before = world.landing_snapshot()
    with world.active():
        report = ingest_aws_cur(paths)
    assert report.ok, [r.message for r in report.refused]
    touched = {f"billing_period={d.key.billing_period}" for d in report.landed}
    after = world.landing_snapshot()
    for path, digest in before.items():
        if not any(f"/{period}/" in path for period in touched):
            assert after.get(path) == digest, f"{path} changed although its period was not delivered"
    return report


def landed_rows(world: World, sql: str = "select count(*) from raw_aws.cur_line_items") -> list[tuple]:
    return world.query(sql)


# --------------------------------------------------------------------------------------------------
# shape of the file


def test_ragged_row(landed, bad):
    refuse(landed, write_csv(bad / "ragged.csv", [row(), row()[:-1]]), "ragged", "line 3")


def test_bom_and_quoted_unicode_tags_are_read(fresh, tmp_path):
    path = write_csv(tmp_path / "ok" / "bom.csv", [row(team='équipe "ml", 東京')], prefix="\ufeff")
    accept(fresh, path)
    tags = fresh.query(
        "select resource_tags['user_team'] from raw_aws.cur_line_items where _source_file like '%bom.csv'"
    )
    assert tags == [('équipe "ml", 東京',)]


def test_localised_headers_are_refused_naming_the_missing_column(landed, bad):
    header = ["Kosten (nicht zusammengefasst)" if h == "lineItem/UnblendedCost" else h for h in HEADER]
    message = refuse(
        landed,
        write_csv(bad / "lokalisiert.csv", [row()], header),
        "required column is missing",
        "'Kosten (nicht zusammengefasst)'",
        column="line_item_unblended_cost",
    )
    assert "not CUR columns" in message


def test_missing_required_column(landed, bad):
    header, data = without("lineItem/UnblendedCost", [row()])
    refuse(landed, write_csv(bad / "no_cost.csv", data, header), "missing", column="line_item_unblended_cost")


def test_renamed_column(landed, bad):
    header = ["lineItem/UsageStart" if h == "lineItem/UsageStartDate" else h for h in HEADER]
    refuse(
        landed,
        write_csv(bad / "renamed.csv", [row()], header),
        "required column is missing",
        "'lineItem/UsageStart'",
        column="line_item_usage_start_date",
    )


def test_empty_file(landed, bad):
    path = bad / "empty.csv"
    path.write_text("")
    refuse(landed, path, "empty")


def test_header_only(landed, bad):
    refuse(landed, write_csv(bad / "header_only.csv", []), "no data rows")


def test_not_a_parquet_file(landed, bad):
    path = bad / "fake.parquet"
    path.write_text("identity/LineItemId,bill/PayerAccountId\n")
    refuse(landed, path, "not a readable Parquet file")


def test_truncated_gzip(landed, bad):
    source = write_csv(bad / "whole.csv", [row()] * 50)
    data = gzip.compress(source.read_bytes())
    path = bad / "truncated.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    source.unlink()
    refuse(landed, path)


def test_not_utf8(landed, bad):
    path = write_csv(bad / "latin1.csv", [row(), row(team="XXXX")])
    path.write_bytes(path.read_bytes().replace(b"XXXX", "équipe".encode("latin-1")))
    refuse(landed, path, "UTF-8")


def test_hive_text_dump_is_refused(landed):
    refuse(landed, AWS_FIXTURES / "cur-legacy-athena-hive-text" / "walabs__BeforeCUR.gz", "Hive text dump")


# --------------------------------------------------------------------------------------------------
# values


@pytest.mark.parametrize(
    ("case", "value"),
    [("non_numeric", "twelve"), ("nan", "NaN"), ("infinite", "inf"), ("thousands_separator", "1,234.50")],
)
def test_unparseable_cost(landed, bad, case, value):
    path = write_csv(bad / f"{case}.csv", [row(), row(value)])
    message = refuse(landed, path, "not a finite number", column="lineItem/UnblendedCost")
    assert "data row 2" in message and repr(value) in message


def test_wrong_date_format(landed, bad):
    wrong = row(start="31/01/2026 10:00")
    message = refuse(
        landed, write_csv(bad / "date.csv", [wrong]), "date/time", column="lineItem/UsageStartDate"
    )
    assert "'31/01/2026 10:00'" in message


def test_timestamps_without_a_zone_are_read_as_utc(fresh, tmp_path):
    naive = row(start="2026-01-05T10:00:00", end="2026-01-05T11:00:00")
    offset = row(start="2026-01-05T12:00:00+02:00", end="2026-01-05T13:00:00+02:00")
    accept(fresh, write_csv(tmp_path / "ok" / "zones.csv", [naive, offset]))
    starts = fresh.query(
        "select strftime(line_item_usage_start_date, '%Y-%m-%d %H:%M') from raw_aws.cur_line_items "
        "where _source_file like '%zones.csv' order by _source_row_number"
    )
    assert starts == [("2026-01-05 10:00",), ("2026-01-05 10:00",)]


def test_missing_payer_value(landed, bad):
    refuse(landed, write_csv(bad / "no_payer.csv", [row(payer="")]), "no value", column="bill/PayerAccountId")


def test_leading_zero_payer_stays_a_string(fresh, tmp_path):
    accept(fresh, write_csv(tmp_path / "ok" / "zeros.csv", [row(payer="000111222333")]))
    assert ("000111222333",) in fresh.query(
        "select distinct bill_payer_account_id from raw_aws.cur_line_items"
    )


def test_negative_usage_is_refused(landed, bad):
    message = refuse(
        landed,
        write_csv(bad / "negative_usage.csv", [row(), row(usage="-3")]),
        "negative usage amount",
        column="lineItem/UsageAmount",
    )
    assert "data row 2" in message


def test_negative_usage_on_credits_and_refunds_is_read(fresh, tmp_path):
    rows = [
        row(),
        row("-1.00", kind="Credit", usage="-1"),
        row("-2.00", kind="Refund", usage="-2", bill_type="Refund"),
    ]
    accept(fresh, write_csv(tmp_path / "ok" / "credits.csv", rows))
    assert landed_rows(
        fresh, "select count(*) from raw_aws.cur_line_items where line_item_usage_amount < 0"
    ) == [(2,)]


def test_mixed_currencies_in_one_account(landed, bad):
    message = refuse(
        landed,
        write_csv(bad / "mixed_currency.csv", [row(currency="USD"), row(currency="EUR")]),
        "2 currencies",
        "EUR, USD",
        column="lineItem/CurrencyCode",
    )
    assert "000111222333" in message


def test_two_accounts_in_two_currencies_are_read(fresh, tmp_path):
    rows = [row(payer="000111222333", currency="USD"), row(payer="999888777666", currency="EUR")]
    report = accept(fresh, write_csv(tmp_path / "ok" / "two_accounts.csv", rows))
    assert sorted(d.key.billing_account for d in report.landed) == ["000111222333", "999888777666"]


def test_unknown_currency_code(landed, bad):
    refuse(
        landed,
        write_csv(bad / "currency.csv", [row(currency="US$")]),
        "'US$'",
        "ISO 4217",
        column="lineItem/CurrencyCode",
    )


def test_unknown_line_item_type(landed, bad):
    refuse(
        landed,
        write_csv(bad / "line_type.csv", [row(), row(kind="FreeLunch")]),
        "'FreeLunch'",
        "not a CUR line item type",
        "data row 2",
        column="lineItem/LineItemType",
    )


def test_unknown_bill_type(landed, bad):
    refuse(
        landed,
        write_csv(bad / "bill_type.csv", [row(bill_type="Monthly")]),
        "'Monthly'",
        column="bill/BillType",
    )


def test_usage_outside_the_billing_period(landed, bad):
    late = row(start="2026-02-03T00:00:00Z", end="2026-02-03T01:00:00Z")
    message = refuse(
        landed,
        write_csv(bad / "late_usage.csv", [row(), late]),
        "outside billing period 2026-01",
        column="lineItem/UsageStartDate",
    )
    assert "data row 2" in message


def test_credit_dated_in_an_earlier_period_is_read(fresh, tmp_path):
    credit = row("-5.00", kind="Credit", usage="0", start="2025-12-01T00:00:00Z", end="2026-01-01T00:00:00Z")
    accept(fresh, write_csv(tmp_path / "ok" / "late_credit.csv", [row(), credit]))


def test_usage_ending_before_it_starts(landed, bad):
    backwards = row(start="2026-01-05T10:00:00Z", end="2026-01-05T09:00:00Z")
    refuse(
        landed,
        write_csv(bad / "backwards.csv", [row(), backwards]),
        "usage ends before it starts",
        "data row 2",
        column="lineItem/UsageEndDate",
    )


def test_very_large_tag_map_is_read(fresh, tmp_path):
    keys = [f"resourceTags/user:tag{i:04d}" for i in range(400)]
    rows = [[*row(), *(f"value-{i}-{n}" for i in range(400))] for n in range(3)]
    accept(fresh, write_csv(tmp_path / "ok" / "many_tags.csv", rows, [*HEADER, *keys]))
    assert fresh.query(
        "select max(cardinality(resource_tags)) from raw_aws.cur_line_items where _source_file like '%many_tags.csv'"
    ) == [(401,)]


# --------------------------------------------------------------------------------------------------
# schema drift and CUR 2.0 files


@pytest.fixture(scope="module")
def cur2_month(tmp_path_factory) -> Path:
    """One generated CUR 2.0 Parquet month (2026-01)."""
    out = tmp_path_factory.mktemp("cur2")
    generate_aws_cur2(out, seed=5, scale=0.01, months=1, last_period="2026-01")
    return next((out / "aws" / "cur2").rglob("*.parquet"))


def rewrite_parquet(source: Path, target: Path, change) -> Path:
    table = change(pq.read_table(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target)
    return target


def test_schema_drift_new_column_is_read_and_reported(fresh, tmp_path):
    header = [*HEADER, "lineItem/ShinyNewColumn"]
    report = accept(fresh, write_csv(tmp_path / "ok" / "new_column.csv", [[*row(), "x"]], header))
    assert any("'lineItem/ShinyNewColumn'" in w and "schema drift" in w for w in report.warnings), (
        report.warnings
    )
    delivery = json.loads(next(report.landed[0].folder.glob("_delivery.json")).read_text())
    assert delivery["source_files"][0]["unmapped_columns"] == ["lineItem/ShinyNewColumn"]
    assert delivery["quality_warnings"][0]["column"] == "lineItem/ShinyNewColumn"


def test_schema_drift_dropped_optional_columns_are_read(fresh, tmp_path, cur2_month):
    optional = ("split_line_item_", "capacity_reservation_", "line_item_resource_id", "discount")

    def drop(table: pa.Table) -> pa.Table:
        return table.drop_columns([c for c in table.column_names if c.startswith(optional)])

    path = rewrite_parquet(cur2_month, tmp_path / "ok" / "slim.parquet", drop)
    accept(fresh, path)
    assert fresh.query(
        "select count(*) = count(*) filter (where line_item_resource_id is null) from raw_aws.cur_line_items "
        "where _source_file like '%slim.parquet'"
    ) == [(True,)]


def test_cur2_without_a_cur2_required_column(landed, bad, cur2_month):
    path = rewrite_parquet(
        cur2_month, bad / "no_line_item_id.parquet", lambda t: t.drop_columns(["identity_line_item_id"])
    )
    refuse(landed, path, "required column is missing", column="identity_line_item_id")


def test_parquet_column_of_the_wrong_type(landed, bad, cur2_month):
    def as_list(table: pa.Table) -> pa.Table:
        index = table.schema.get_field_index("line_item_unblended_cost")
        values = pa.array([[v] for v in table.column(index).to_pylist()], pa.list_(pa.float64()))
        return table.set_column(index, "line_item_unblended_cost", values)

    path = rewrite_parquet(cur2_month, bad / "list_cost.parquet", as_list)
    refuse(landed, path, "cannot hold a DOUBLE value", column="line_item_unblended_cost")


# --------------------------------------------------------------------------------------------------
# deliveries: duplicates, re-deliveries, restatements, order


def test_same_file_named_twice_lands_once(fresh, tmp_path):
    path = write_csv(tmp_path / "ok" / "twice.csv", [row("1.00"), row("2.00")])
    report = accept(fresh, [path, path])
    assert [d.rows for d in report.landed] == [2]


def test_duplicate_copy_in_one_delivery(landed, bad):
    folder = bad / "duplicate_copy"
    first = write_csv(folder / "part-1.csv", [row("1.00")])
    shutil.copy(first, folder / "part-2.csv")
    refuse(landed, folder, "part-2.csv", "the same bytes as part-1.csv")


def test_redelivery_of_the_same_file_replaces(fresh, tmp_path):
    path = write_csv(tmp_path / "ok" / "again.csv", [row("1.00"), row("2.00")])
    accept(fresh, path)
    first = landed_rows(fresh, "select count(*), sum(line_item_unblended_cost) from raw_aws.cur_line_items")
    report = accept(fresh, path)
    assert report.landed[0].replaced
    assert (
        landed_rows(fresh, "select count(*), sum(line_item_unblended_cost) from raw_aws.cur_line_items")
        == first
    )
    assert len(list((fresh.data_root / "archive").rglob("_delivery.json"))) == 1


def test_one_month_delivered_three_times_with_restatements(fresh, tmp_path):
    """Day 10, then the whole month, then the invoiced month with one line re-rated: each replaces."""
    d1 = write_csv(tmp_path / "d1" / "cur.csv", [row("1.00", day=d) for d in range(1, 11)])
    d2 = write_csv(tmp_path / "d2" / "cur.csv", [row("1.00", day=d) for d in range(1, 29)])
    restated = [row("1.00", day=d, invoice="123456789") for d in range(1, 29)]
    restated[4] = row("0.40", day=5, invoice="123456789")
    d3 = write_csv(tmp_path / "d3" / "cur.csv", restated)
    for path in (d1, d2, d3):
        report = accept(fresh, path)
    assert report.landed[0].replaced
    assert landed_rows(
        fresh,
        "select count(*), round(sum(line_item_unblended_cost), 2) from raw_aws.cur_line_items "
        "where strftime(bill_billing_period_start_date, '%Y-%m') = '2026-01'",
    ) == [(28, 27.4)]
    log = fresh.query(
        "select row_count, replaces_delivery_id is not null, invoice_ids from raw_aws.cur_deliveries "
        "where billing_period = '2026-01' order by _loaded_at"
    )
    assert log == [(10, False, None), (28, True, None), (28, True, "123456789")]


def test_out_of_order_delivery_of_an_open_month(fresh, tmp_path):
    newer = write_csv(tmp_path / "newer" / "cur.csv", [row("1.00", day=d) for d in range(1, 21)])
    older = write_csv(tmp_path / "older" / "cur.csv", [row("1.00", day=d) for d in range(1, 11)])
    accept(fresh, newer)
    message = refuse(
        fresh, older, "out of order", "2026-01-10", "2026-01-20", column="line_item_usage_start_date"
    )
    assert "does not replace" in message
    assert landed_rows(fresh) == [(21,)]  # 20 January rows + the earlier November delivery


def test_out_of_order_delivery_after_the_invoice(fresh, tmp_path):
    final = write_csv(tmp_path / "final" / "cur.csv", [row("1.00", invoice="987654321")])
    not_final = write_csv(tmp_path / "not_final" / "cur.csv", [row("1.50")])
    accept(fresh, final)
    refuse(fresh, not_final, "out of order", "already invoiced (987654321)", column="bill_invoice_id")
    assert landed_rows(fresh, "select sum(line_item_unblended_cost) from raw_aws.cur_line_items") == [(10.0,)]


def test_one_bad_file_keeps_its_folder_out(landed, bad):
    """Files of one folder are one delivery: a bad part refuses the whole month, not half of it."""
    folder = bad / "month"
    write_csv(folder / "part-1.csv", [row("1.00")])
    write_csv(folder / "part-2.csv", [row("oops")])
    refuse(landed, folder, "part-2.csv", "not a finite number")


# --------------------------------------------------------------------------------------------------
# manifests


def test_manifest_naming_a_missing_file(landed, bad):
    manifest = bad / "missing" / "20260101-20260201" / "report-Manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {
                "assemblyId": "a1",
                "billingPeriod": {"start": "20260101T000000.000Z"},
                "reportKeys": ["r/gone.csv.gz"],
            }
        )
    )
    before = landed.landing_snapshot()
    with landed.active():
        report = ingest_aws_cur([manifest])
    assert not report.landed
    message = report.refused[0].message
    assert "gone.csv.gz" in message and "column 'reportKeys'" in message and manifest.name in message
    assert landed.landing_snapshot() == before


def test_manifest_period_disagreeing_with_rows(landed, bad):
    folder = bad / "report" / "20260201-20260301"
    data = write_csv(folder / "assembly" / "report-1.csv", [row(period="2026-01")])
    manifest = folder / "report-Manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "assemblyId": "assembly",
                "billingPeriod": {"start": "20260201T000000.000Z", "end": "20260301T000000.000Z"},
                "reportKeys": [f"report/20260201-20260301/assembly/{data.name}"],
            }
        )
    )
    refuse(landed, manifest, "2026-02", "2026-01", column="billingPeriod")


# --------------------------------------------------------------------------------------------------
# through the console script


def run_cli(world: World, *args: str) -> subprocess.CompletedProcess:
    env = {
        "AI_FINOPS_DATA_ROOT": str(world.data_root),
        "AI_FINOPS_DUCKDB_PATH": str(world.db_path),
        "AI_FINOPS_GX_DOCS": str(world.root / "gx_docs"),
        "PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin",
        "COLUMNS": "250",
    }
    return subprocess.run(["ai-finops", *args], capture_output=True, text=True, env=env)


def test_console_script_reports_a_refusal_without_traceback(landed, bad):
    path = write_csv(bad / "cli.csv", [row("abc")])
    before = landed.landing_snapshot()
    done = run_cli(landed, "ingest", "aws-cur", str(path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "cli.csv" in done.stderr and "lineItem/UnblendedCost" in done.stderr and "'abc'" in done.stderr
    assert landed.landing_snapshot() == before


def test_console_script_lands_with_a_warning_and_writes_data_docs(tmp_path):
    world = World(tmp_path / "world")
    path = write_csv(tmp_path / "cli_ok.csv", [[*row(), "x"]], [*HEADER, "lineItem/ShinyNewColumn"])
    done = run_cli(world, "ingest", "aws-cur", str(path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "landed aws cur 000111222333 2026-01" in done.stdout
    assert "ShinyNewColumn" in done.stderr and "schema drift" in done.stderr
    assert "Calculating Metrics" not in done.stderr, "GX progress bars reached the user"
    index = world.root / "gx_docs" / "index.html"
    assert index.is_file() and str(index) in done.stdout.replace("\n", "")
    pages = {p.parts[-4] for p in (world.root / "gx_docs" / "validations").rglob("*.html")}
    assert pages >= {"schema", "values", "rows_sample", "slices"}
    with duckdb.connect(str(world.db_path), read_only=True) as con:
        assert con.execute("select count(*) from raw_aws.cur_line_items").fetchone() == (1,)
