"""Expectation suites for native FOCUS exports (AWS, Azure, GCP; FOCUS 1.0 to 1.2).

| suite                 | runs on             | facts (one row per ...)                                         |
|-----------------------|---------------------|-----------------------------------------------------------------|
| `focus_native.values` | each file, one scan | delivered column: values that are not of the column's FOCUS type |
| `focus_native.rows`   | each file, one scan | FOCUS 1.2 row rule (`focus_native.ROW_CHECKS`): breaking rows    |

The facts are computed in DuckDB by `ai_finops.ingest.focus_native` (`value_facts` over the delivered file,
then over the file upgraded to 1.2); the rules are the expectations here and the row rules' SQL. What stops a
file before it can be measured (unreadable, no header, an unknown FOCUS version, a missing Mandatory column)
stays in the reader.
"""

from __future__ import annotations

from ai_finops.quality.suites import problem, register

VALUES = "focus_native.values"
ROWS = "focus_native.rows"


def shown(frame, prefix: str = ": "):
    """The first failing value as message text (`: 'x'`), empty where there is none."""
    frame["shown"] = [
        "" if value is None or value != value else f"{prefix}{value!r}"
        for value in frame["first_parse_failure_value"]
    ]
    return frame


@register(VALUES, "Native FOCUS file: every delivered value has its column's FOCUS type; the file has rows.")
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
                max_findings=100,
            ),
            notes="Decimals are plain decimal numbers, date/times ISO 8601, JSON columns JSON objects.",
        ),
        expect.ExpectColumnMinToBeBetween(
            column="rows",
            min_value=1,
            meta=problem("the file has a header but no data rows"),
            notes="A file holds at least one row.",
        ),
    ]


@register(ROWS, "Native FOCUS file, upgraded to 1.2: every FOCUS 1.2 row rule holds on every row.")
def _rows(gx) -> list:
    return [
        gx.expect.ExpectColumnValuesToBeBetween(
            column="parse_failures",
            max_value=0,
            meta=problem(
                "{parses_as}, on {parse_failures} row(s); first at data row {first_parse_failure_row}{shown}"
                " (a FOCUS {version} file, checked after its upgrade to 1.2)",
                column_field="source_column",
                max_findings=100,
            ),
            notes="The FOCUS 1.2 rules of ai_finops.ingest.focus_native.ROW_CHECKS (value sets, conditional "
            "nullability, derivable columns), after the 1.0 / 1.1 upgrade.",
        ),
    ]
