"""Expectation suites for Azure Cost Management cost details exports (EA and MCA, actual and amortized).

| suite                 | runs on         | facts (one row per ...)                                        |
|-----------------------|-----------------|----------------------------------------------------------------|
| `azure_cost.schema`   | each file       | required landed column (or group of alternatives): delivered?  |
| `azure_cost.values`   | each file, one scan | checked delivered column: parse failures, empty values     |

The facts are computed in DuckDB by `ai_finops.ingest.azure_cost.normalise` (`value_facts`); the rules are the
expectations here. Structural refusals that stop a file before it can be measured (not UTF-8, ragged CSV, no
header, the legacy pay-as-you-go export, a dataset type nobody tells, a manifest's row count) stay in the
reader: there is nothing to measure yet.
"""

from __future__ import annotations

from ai_finops.ingest.azure_cost_schema import ACCOUNT_COLUMNS, REQUIRED_COLUMNS
from ai_finops.quality.suites import problem, register

SCHEMA = "azure_cost.schema"
VALUES = "azure_cost.values"

# Human names of the checks a ParseCheck carries in `parses_as`.
A_NUMBER = "a number"
A_FINITE_NUMBER = "a finite number"
A_DATE = "a date (M/D/YYYY or YYYY-MM-DD)"
A_JSON_OBJECT = "a JSON object"
A_CURRENCY = "an ISO 4217 currency code (three capital letters)"


def display_name(column: str) -> str:
    """A landed column as EA spells its header (`cost_in_billing_currency` -> `CostInBillingCurrency`)."""
    return "".join(part.capitalize() for part in column.split("_"))


def required_groups() -> list[tuple[str, ...]]:
    """Each required landed column, and the account columns as one group (either names the account)."""
    return [(column,) for column in REQUIRED_COLUMNS] + [ACCOUNT_COLUMNS]


def schema_facts(delivered: set[str], localised: list[str]):
    """One row per required column group: its name as a person reads it and whether the file delivers it."""
    import pandas as pd

    hint = ""
    if localised:
        hint = (
            "; the header has localised names without an English name in parentheses "
            f"(e.g. {localised[0]!r}): export with English column names"
        )
    rows = [
        {
            "column": " or ".join(display_name(c) for c in group),
            "present": any(c in delivered for c in group),
            "localised_hint": hint,
        }
        for group in required_groups()
    ]
    frame = pd.DataFrame(rows)
    frame["present"] = frame["present"].astype(bool)
    return frame


@register(SCHEMA, "Azure cost details file: every required column delivered (by any accepted spelling).")
def _schema(gx) -> list:
    return [
        gx.expect.ExpectColumnValuesToBeInSet(
            column="present",
            value_set=[True],
            meta=problem("required column is missing{localised_hint}", column_field="column"),
            notes="Delivered under an accepted spelling: "
            + ", ".join(" or ".join(display_name(c) for c in g) for g in required_groups())
            + ".",
        )
    ]


@register(VALUES, "Azure cost details file: values parse, key values present, not empty.")
def _values(gx) -> list:
    expect = gx.expect
    return [
        expect.ExpectColumnValuesToBeBetween(
            column="parse_failures",
            max_value=0,
            meta=problem(
                "{parse_failures} value(s) are not {parses_as}; first at data row "
                "{first_parse_failure_row}: {first_parse_failure_value!r}",
                column_field="source_column",
            ),
            notes="Numbers are finite numbers (no text, NaN, infinity, thousands separators or decimal commas); "
            "dates are M/D/YYYY or ISO; Tags and AdditionalInfo are JSON objects (outer braces optional); "
            "currencies are ISO 4217 codes.",
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="nulls",
            max_value=0,
            meta=problem(
                "{nulls} row(s) have no value; first at data row {first_null_row}",
                column_field="source_column",
            ),
            notes="Never empty: "
            + ", ".join(" or ".join(display_name(c) for c in g) for g in required_groups())
            + ".",
        ),
        expect.ExpectColumnMinToBeBetween(
            column="rows",
            min_value=1,
            meta=problem("the file has a header but no data rows"),
            notes="A file holds at least one line that is not entirely empty.",
        ),
    ]
