"""Tests for the FOCUS validator gate (ai_finops.focus_gate).

The tests that run the real validator need ``.venv-focus`` (``scripts/setup_focus_validator.sh``) and are
skipped without it; each run takes ~2-4 s. Everything else runs everywhere.

Regenerate the Parquet fixture from the CSV with::

    .venv/bin/python tests/python/test_focus_gate.py
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import stat
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ai_finops import focus_gate
from ai_finops.focus_gate import (
    FocusValidatorError,
    GateResult,
    load_allowlist,
    parse_junit,
    run_focus_validator,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "focus"
TINY_CSV = FIXTURES / "tiny_focus_1_2.csv"
TINY_PARQUET = FIXTURES / "tiny_focus_1_2.parquet"
RULES_ROOT = REPO_ROOT / "validation" / "focus_rules"
ALLOWLIST_1_2 = REPO_ROOT / "validation" / "focus_validator_allowlist_1_2.yml"
VALIDATOR = REPO_ROOT / ".venv-focus" / "bin" / "focus-validator"

needs_validator = pytest.mark.skipif(
    not VALIDATOR.is_file(),
    reason=f"{VALIDATOR.relative_to(REPO_ROOT)} absent: run scripts/setup_focus_validator.sh (make does)",
)

# FOCUS 1.2 Cost and Usage column types; every other column (ids, names, JSON, x_*) is a string.
DECIMAL_COLUMNS = frozenset(
    {
        "BilledCost",
        "CommitmentDiscountQuantity",
        "ConsumedQuantity",
        "ContractedCost",
        "ContractedUnitPrice",
        "EffectiveCost",
        "ListCost",
        "ListUnitPrice",
        "PricingCurrencyContractedUnitPrice",
        "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice",
        "PricingQuantity",
    }
)
DATETIME_COLUMNS = frozenset(
    {"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"}
)

# What RM 1.2.0.1 + focus-validator 2.2.1 report on the tiny file under --applicability-criteria ALL.
EXPECTED_TINY_FAILURES = (
    "CapacityReservationStatus-C-000-C",
    "CapacityReservationStatus-C-002-C",
    "CapacityReservationStatus-C-004-C",
    "CommitmentDiscountStatus-C-000-C",
    "CommitmentDiscountStatus-C-002-C",
    "CommitmentDiscountStatus-C-004-C",
    "CostAndUsage-D-000-M",
    "CostAndUsage-D-002-M",
    "InvoiceId-C-004-C",
)


def build_tiny_parquet(csv_path: Path, parquet_path: Path) -> pa.Table:
    """CSV -> Parquet with explicit FOCUS types: string ids, float64 metrics, timestamp[us, UTC].

    Empty CSV cells become nulls. No type inference, so numeric-looking account ids stay strings.
    """
    with csv_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    columns, fields = [], []
    for name in rows[0]:
        values = [row[name] if row[name] != "" else None for row in rows]
        if name in DECIMAL_COLUMNS:
            typ = pa.float64()
            values = [None if v is None else float(v) for v in values]
        elif name in DATETIME_COLUMNS:
            typ = pa.timestamp("us", tz="UTC")
            values = [
                None if v is None else dt.datetime.fromisoformat(v.replace("Z", "+00:00")) for v in values
            ]
        else:
            typ = pa.string()
        fields.append(pa.field(name, typ))
        columns.append(pa.array(values, type=typ))
    table = pa.Table.from_arrays(columns, schema=pa.schema(fields))
    pq.write_table(table, parquet_path)
    return table


def _replace_column(table: pa.Table, name: str, values: list) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, table.schema.field(i), pa.array(values, type=table.schema.field(i).type))


# --------------------------------------------------------------------------- fixtures and vendored files


def test_fixture_parquet_is_built_from_csv(tmp_path: Path) -> None:
    rebuilt = build_tiny_parquet(TINY_CSV, tmp_path / "tiny.parquet")
    committed = pq.read_table(TINY_PARQUET)
    assert committed.equals(rebuilt), (
        "fixture is stale: rerun `.venv/bin/python tests/python/test_focus_gate.py`"
    )
    assert committed.num_rows == 6
    assert committed.schema.field("BillingAccountId").type == pa.string()
    assert committed.schema.field("BilledCost").type == pa.float64()
    assert committed.schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")


def test_vendored_rule_files_match_sha256sums() -> None:
    lines = (RULES_ROOT / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert {line.split()[1] for line in lines} == {"1.2/model-1.2.0.1.json", "1.3/model-1.3.0.1.json"}
    for line in lines:
        digest, rel = line.split()
        assert hashlib.sha256((RULES_ROOT / rel).read_bytes()).hexdigest() == digest, rel


def test_allowlist_entries_are_known_rules_with_reasons() -> None:
    allowed = load_allowlist(ALLOWLIST_1_2)
    model = json.loads((RULES_ROOT / "1.2" / "model-1.2.0.1.json").read_text(encoding="utf-8"))
    assert set(allowed) <= set(model["ModelRules"]), "allow-list names a rule that RM 1.2.0.1 does not have"
    # The known false positives of RM 1.2.0.1 under ALL; project-specific additions carry their own reason.
    assert {*EXPECTED_TINY_FAILURES, "EffectiveCost-C-005-C", "EffectiveCost-C-000-M"} <= set(allowed)
    assert all(len(reason) > 20 for reason in allowed.values())


def test_allowlist_rejects_entry_without_reason(tmp_path: Path) -> None:
    bad = tmp_path / "allow.yml"
    bad.write_text("allowed_failures:\n  - rule_id: InvoiceId-C-004-C\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'reason'"):
        load_allowlist(bad)


# --------------------------------------------------------------------------- gate logic without the validator

JUNIT = """<?xml version='1.0' encoding='utf-8'?>
<testsuites name="FOCUS Validations" tests="5" failures="2" errors="1" skipped="1">
  <testsuite name="InvoiceId-C-004-InvoiceId" time="0">
    <testcase name="InvoiceId-C-004-C :: Nullability" time="0">
      <failure name="InvoiceId-C-004-C" message="Nullability check for InvoiceId"
               type="AssertionError">Failed</failure>
    </testcase>
  </testsuite>
  <testsuite name="ChargeCategory-C-002-ChargeCategory" time="0">
    <testcase name="ChargeCategory-C-002-M :: Nullability" time="0">
      <failure name="ChargeCategory-C-002-M" message="Nullability check for ChargeCategory"
               type="AssertionError">Failed</failure>
    </testcase>
    <testcase name="ChargeCategory-C-001-M :: TypeString" time="0" />
    <testcase name="ChargeCategory-C-003-M :: None" time="0"><skipped message="dynamic" /></testcase>
    <testcase name="BillingCurrency-C-001-M :: None" time="0"><error message="missing column" /></testcase>
  </testsuite>
</testsuites>
"""


def test_parse_junit_and_gate_verdict(tmp_path: Path) -> None:
    xml = tmp_path / "out.xml"
    xml.write_text(JUNIT, encoding="utf-8")
    counts = parse_junit(xml)
    assert (counts.tests, counts.failures, counts.errors, counts.skipped) == (5, 2, 1, 1)
    assert counts.failing_ids == ("ChargeCategory-C-002-M", "InvoiceId-C-004-C")
    assert counts.errored_ids == ("BillingCurrency-C-001-M",)

    result = GateResult.from_counts(counts, {"InvoiceId-C-004-C", "EffectiveCost-C-005-C"})
    assert result.allowlisted == ("InvoiceId-C-004-C",)
    assert result.unexpected == ("ChargeCategory-C-002-M",)
    assert result.allowlisted_not_failing == ("EffectiveCost-C-005-C",)
    assert result.passed_count == 1
    assert not result.passed
    summary = result.summary()
    assert (
        "FAILED" in summary and "ChargeCategory-C-002-M" in summary and "BillingCurrency-C-001-M" in summary
    )

    only_allowed = GateResult.from_counts(parse_junit(xml), {"InvoiceId-C-004-C", "ChargeCategory-C-002-M"})
    assert not only_allowed.unexpected
    assert not only_allowed.passed, "an errored rule must fail the gate"


def _fake_validator(root: Path, body: str) -> Path:
    """A stand-in focus-validator inside a venv-like layout that has the currency-code file."""
    rules = root / "lib" / "python3.12" / "site-packages" / "focus_validator" / "rules"
    rules.mkdir(parents=True)
    (rules / "currency_codes.csv").write_text("currency_codes\nUSD\n", encoding="utf-8")
    exe = root / "bin" / "focus-validator"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n" + textwrap.dedent(body), encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


@pytest.mark.skipif(os.name != "posix", reason="fake validator is a POSIX shell script")
@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("echo 'FileNotFoundError: boom' >&2\nexit 1\n", "(?s)exit code 1.*boom"),
        ("exit 0\n", "wrote no"),
    ],
    ids=["exit-1", "no-xml"],
)
def test_validator_crash_is_an_error(tmp_path: Path, body: str, match: str) -> None:
    exe = _fake_validator(tmp_path / "venv", body)
    with pytest.raises(FocusValidatorError, match=match):
        run_focus_validator(TINY_PARQUET, allowlist=None, workdir=tmp_path / "work", validator=exe)
    # The currency-code file is staged relative to the working directory before the run.
    assert (tmp_path / "work" / "focus_validator" / "rules" / "currency_codes.csv").is_file()


def test_cli_reports_missing_validator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = focus_gate.main(
        [str(TINY_PARQUET), "--validator", str(tmp_path / "nope"), "--workdir", str(tmp_path)]
    )
    assert rc == 1
    assert "setup_focus_validator.sh" in capsys.readouterr().err


# --------------------------------------------------------------------------- the real validator


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    return run_focus_validator(
        TINY_PARQUET, version="1.2", allowlist=ALLOWLIST_1_2, workdir=tmp_path_factory.mktemp("focus_ok")
    )


@needs_validator
def test_tiny_file_passes_with_only_allowlisted_failures(tiny_result: GateResult) -> None:
    print(tiny_result.summary())
    assert tiny_result.passed, tiny_result.summary()
    assert tiny_result.failing_ids == EXPECTED_TINY_FAILURES
    assert tiny_result.allowlisted == EXPECTED_TINY_FAILURES
    assert tiny_result.unexpected == ()
    assert (tiny_result.tests, tiny_result.failures, tiny_result.errors) == (578, 9, 0)
    assert tiny_result.skipped == 210 and tiny_result.passed_count == 359
    assert tiny_result.xml_path is not None and tiny_result.xml_path.is_file()


@needs_validator
def test_corrupted_file_fails_the_gate_via_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two defects in one copy (one validator run): a Usage row with null ChargeCategory, and no
    BillingCurrency column at all (a missing column makes its rules error, not fail)."""
    table = pq.read_table(TINY_PARQUET)
    categories = table["ChargeCategory"].to_pylist()
    assert categories[0] == "Usage"
    categories[0] = None
    bad = tmp_path / "corrupted.parquet"
    pq.write_table(
        _replace_column(table, "ChargeCategory", categories).drop_columns(["BillingCurrency"]), bad
    )

    rc = focus_gate.main([str(bad), "--version", "1.2", "--workdir", str(tmp_path / "work")])
    out = capsys.readouterr().out
    assert rc == 1
    assert "FAILED" in out
    assert "ChargeCategory-C-002-M" in out  # Nullability check for ChargeCategory
    assert "CostAndUsage-D-035-M" in out  # Presence check for BillingCurrency

    result = GateResult.from_counts(
        parse_junit(tmp_path / "work" / "focus-validator-1.2.xml"), load_allowlist(ALLOWLIST_1_2)
    )
    assert not result.passed
    assert {"ChargeCategory-C-002-M", "ChargeCategory-C-000-M", "CostAndUsage-D-035-M"} <= set(
        result.unexpected
    )
    assert result.errors > 0 and "BillingCurrency-C-001-M" in result.errored_ids


if __name__ == "__main__":
    build_tiny_parquet(TINY_CSV, TINY_PARQUET)
    print(f"wrote {TINY_PARQUET}")
