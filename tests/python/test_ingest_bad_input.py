"""Bad input at the boundary: each file is read correctly or refused with a message naming the file, the
column and the problem; a refused file is quarantined and nothing already landed changes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ai_finops.ingest.runner import ingest_aws_cur

HEADER = [
    "identity/LineItemId",
    "bill/PayerAccountId",
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
    cost: str = "1.25", period: str = "2026-01", payer: str = "000111222333", team: str = "search"
) -> list[str]:
    return [
        "li-1",
        payer,
        f"{period}-01T00:00:00Z",
        f"{period}-28T00:00:00Z",
        "444555666777",
        "Usage",
        f"{period}-02T00:00:00Z",
        f"{period}-02T01:00:00Z",
        "AmazonEC2",
        "BoxUsage:g5.xlarge",
        "1",
        "USD",
        cost,
        team,
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, prefix: str = "") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(prefix + buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def landed(world, tmp_path):
    """A world that already holds one good delivery, so every refusal can prove nothing changed."""
    good = write_csv(tmp_path / "inputs" / "good" / "cur.csv", [row("2.50", period="2025-12")])
    with world.active():
        report = ingest_aws_cur([good])
    assert report.ok, report.refused
    return world


def refuse(world, path: Path, *needles: str) -> str:
    before = world.landing_snapshot()
    with world.active():
        report = ingest_aws_cur([path])
    assert not report.landed, f"{path.name} should have been refused"
    assert len(report.refused) == 1
    message = report.refused[0].message
    assert path.name in message, message
    for needle in needles:
        assert needle in message, message
    assert world.landing_snapshot() == before, "a refused file changed what had landed"
    quarantined = report.refused[0].quarantined_to
    if quarantined is not None:
        reason = json.loads((quarantined / "REASON.json").read_text())
        assert reason["reason"] == message
    return message


def test_missing_required_column(landed, tmp_path):
    header = [h for h in HEADER if h != "lineItem/UnblendedCost"]
    data = [[v for h, v in zip(HEADER, row(), strict=True) if h != "lineItem/UnblendedCost"]]
    refuse(
        landed,
        write_csv(tmp_path / "bad" / "no_cost.csv", data, header),
        "line_item_unblended_cost",
        "missing",
    )


@pytest.mark.parametrize(
    ("case", "value", "problem"),
    [
        ("non_numeric", "twelve", "not a finite number"),
        ("nan", "NaN", "not a finite number"),
        ("infinite", "inf", "not a finite number"),
        ("thousands_separator", "1,234.50", "not a finite number"),
    ],
)
def test_unparseable_cost(landed, tmp_path, case, value, problem):
    path = write_csv(tmp_path / "bad" / f"{case}.csv", [row(), row(value)])
    message = refuse(landed, path, "lineItem/UnblendedCost", problem)
    assert "data row 2" in message


def test_unparseable_date(landed, tmp_path):
    bad = row()
    bad[6] = "31/01/2026 10:00"
    message = refuse(landed, write_csv(tmp_path / "bad" / "date.csv", [bad]), "lineItem/UsageStartDate")
    assert "date/time" in message


def test_ragged_row(landed, tmp_path):
    path = write_csv(tmp_path / "bad" / "ragged.csv", [row(), row()[:-1]])
    refuse(landed, path, "ragged", "line 3")


def test_empty_file(landed, tmp_path):
    path = tmp_path / "bad" / "empty.csv"
    path.parent.mkdir(parents=True)
    path.write_text("")
    refuse(landed, path, "empty")


def test_header_only(landed, tmp_path):
    refuse(landed, write_csv(tmp_path / "bad" / "header_only.csv", []), "no data rows")


def test_missing_payer_value(landed, tmp_path):
    refuse(
        landed,
        write_csv(tmp_path / "bad" / "no_payer.csv", [row(payer="")]),
        "bill/PayerAccountId",
        "no value",
    )


def test_hive_text_dump_is_refused(landed):
    from conftest import AWS_FIXTURES

    refuse(landed, AWS_FIXTURES / "cur-legacy-athena-hive-text" / "walabs__BeforeCUR.gz", "Hive text dump")


def test_bom_and_quoted_unicode_tags_are_read(world, tmp_path):
    path = write_csv(tmp_path / "ok" / "bom.csv", [row(team='équipe "ml", 東京')], prefix="\ufeff")
    with world.active():
        report = ingest_aws_cur([path])
    assert report.ok, report.refused
    tags = world.query("select resource_tags['user_team'] from raw_aws.cur_line_items")
    assert tags == [('équipe "ml", 東京',)]


def test_leading_zero_payer_stays_a_string(world, tmp_path):
    path = write_csv(tmp_path / "ok" / "zeros.csv", [row(payer="000111222333")])
    with world.active():
        ingest_aws_cur([path])
    assert world.query("select bill_payer_account_id from raw_aws.cur_line_items") == [("000111222333",)]


def test_manifest_naming_a_missing_file(landed, tmp_path):
    manifest = tmp_path / "bad" / "20260101-20260201" / "report-Manifest.json"
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
    assert "gone.csv.gz" in report.refused[0].message and "reportKeys" in report.refused[0].message
    assert landed.landing_snapshot() == before


def test_manifest_period_disagreeing_with_rows(landed, tmp_path):
    folder = tmp_path / "bad" / "report" / "20260201-20260301"
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
    before = landed.landing_snapshot()
    with landed.active():
        report = ingest_aws_cur([manifest])
    message = report.refused[0].message
    assert "2026-02" in message and "2026-01" in message and "billingPeriod" in message
    assert landed.landing_snapshot() == before


def test_month_delivered_twice_replaces(world, tmp_path):
    first = write_csv(tmp_path / "d1" / "cur.csv", [row("1.00"), row("2.00")])
    second = write_csv(tmp_path / "d2" / "cur.csv", [row("5.00")])
    with world.active():
        assert ingest_aws_cur([first]).ok
        report = ingest_aws_cur([second])
    assert report.landed[0].replaced
    assert world.query("select count(*), sum(line_item_unblended_cost) from raw_aws.cur_line_items") == [
        (1, 5.0)
    ]
    archived = list((world.data_root / "archive").rglob("_delivery.json"))
    assert len(archived) == 1, "the superseded delivery is kept in the archive"


def test_one_bad_file_keeps_its_folder_out(world, tmp_path):
    """Files of one folder are one delivery: a bad part refuses the whole month, not half of it."""
    folder = tmp_path / "month"
    write_csv(folder / "part-1.csv", [row("1.00")])
    write_csv(folder / "part-2.csv", [row("oops")])
    with world.active():
        report = ingest_aws_cur([folder])
    assert not report.landed and len(report.refused) == 1
    assert world.landing_snapshot() == {}


def test_console_script_reports_without_traceback(world, tmp_path):
    path = write_csv(tmp_path / "bad" / "cli.csv", [row("abc")])
    env = {
        "AI_FINOPS_DATA_ROOT": str(world.data_root),
        "AI_FINOPS_DUCKDB_PATH": str(world.db_path),
        "PATH": str(Path(__file__).resolve().parents[2] / ".venv" / "bin") + ":/usr/bin:/bin",
    }
    done = subprocess.run(
        ["ai-finops", "ingest", "aws-cur", str(path)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "cli.csv" in done.stderr and "lineItem/UnblendedCost" in done.stderr
