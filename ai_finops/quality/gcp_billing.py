"""Expectation suites for Google Cloud billing export extractions (Parquet, JSON lines, pandas-flattened CSV).

| suite                  | runs on             | facts (one row per ...)                                  |
|------------------------|---------------------|----------------------------------------------------------|
| `gcp_billing.schema`   | each file           | required (dotted) column of the export: delivered?       |
| `gcp_billing.values`   | each file, one scan | row check: failing rows, first failing row and value     |

The facts are computed in DuckDB by `ai_finops.ingest.gcp_billing.normalise` over the file read into the
export's own nested shape; the rules are the expectations here. What stops a file before it can be measured
(unreadable Parquet / JSON / CSV, credits that are not valid JSON, a nested type that cannot hold the export's
values, flattened Parquet) stays in the reader, and the whole-invoice-month rule runs per delivery
(`gcp_billing.check_delivery`).
"""

from __future__ import annotations

from ai_finops.ingest.gcp_billing_schema import COST_TYPES, REQUIRED_PATHS
from ai_finops.quality.facts import ParseCheck, value_facts
from ai_finops.quality.suites import problem, register

SCHEMA = "gcp_billing.schema"
VALUES = "gcp_billing.values"


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


# (column as the export names it, SQL true on a failing row, what is wrong, SQL showing the value)
ROW_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("billing_account_id", "billing_account_id is null", "has no billing account id", "billing_account_id"),
    (
        "invoice.month",
        "invoice.month is null",
        "has no invoice.month (the invoice month the row is billed in)",
        "invoice.month",
    ),
    (
        "invoice.month",
        "not regexp_full_match(invoice.month, '[0-9]{4}(0[1-9]|1[0-2])')",
        "is not an invoice month YYYYMM",
        "invoice.month",
    ),
    ("cost", "cost is null", "has no cost", "cast(cost as varchar)"),
    ("cost", "isnan(cost) or isinf(cost)", "is not a finite number", "cast(cost as varchar)"),
    (
        "currency",
        "currency is null or not regexp_full_match(currency, '[A-Z]{3}')",
        "is not a currency code",
        "currency",
    ),
    (
        "usage_start_time",
        "usage_start_time is null",
        "has no usage start time",
        "cast(usage_start_time as varchar)",
    ),
    (
        "cost_type",
        "cost_type is null or lower(cost_type) not in (" + ", ".join(_sql_str(t) for t in COST_TYPES) + ")",
        "is not a documented cost_type (" + ", ".join(COST_TYPES) + ")",
        "cost_type",
    ),
    (
        "credits.amount",
        "len(list_filter(credits, lambda c: c.amount is null or isnan(c.amount) or isinf(c.amount))) > 0",
        "holds a credit whose amount is missing or not a finite number",
        "cast(credits as varchar)",
    ),
)


def schema_facts(present: set[str]):
    """One row per required column of the export (dotted for nested fields): whether the file delivers it."""
    import pandas as pd

    rows = [{"column": ".".join(path), "present": ".".join(path) in present} for path in REQUIRED_PATHS]
    frame = pd.DataFrame(rows)
    frame["present"] = frame["present"].astype(bool)
    return frame


def row_facts(con, relation: str):
    """One scan of the file for every row check (`value_facts`), with the first failing value as shown text."""
    checks = [
        ParseCheck(f"{index}:{column}", column, f"({condition})", shown, what)
        for index, (column, condition, what, shown) in enumerate(ROW_CHECKS)
    ]
    frame = value_facts(con, relation, checks, [])
    frame["shown"] = [
        "" if value is None or value != value else f" ({value!r})"
        for value in frame["first_parse_failure_value"]
    ]
    return frame


@register(SCHEMA, "GCP billing export file: every required (nested) column delivered.")
def _schema(gx) -> list:
    return [
        gx.expect.ExpectColumnValuesToBeInSet(
            column="present",
            value_set=[True],
            meta=problem("required column is missing", column_field="column"),
            notes="Required: " + ", ".join(".".join(p) for p in REQUIRED_PATHS) + ".",
        )
    ]


@register(VALUES, "GCP billing export file: keys, money, currency, cost type and credits valid on every row.")
def _values(gx) -> list:
    expect = gx.expect
    return [
        expect.ExpectColumnValuesToBeBetween(
            column="parse_failures",
            max_value=0,
            meta=problem(
                "{parse_failures} row(s) {parses_as}; first at data row {first_parse_failure_row}{shown}",
                column_field="source_column",
            ),
            notes="Every row has a billing account, an invoice month YYYYMM, a finite cost, a currency code, a "
            "usage start time, a documented cost_type ("
            + ", ".join(COST_TYPES)
            + ") and credits with finite amounts.",
        ),
        expect.ExpectColumnMinToBeBetween(
            column="rows",
            min_value=1,
            meta=problem("the file holds no rows"),
            notes="A file holds at least one row.",
        ),
    ]
