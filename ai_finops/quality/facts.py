"""Whole-file facts computed in DuckDB, returned as small pandas frames for the suites to validate.

Nothing here decides whether a file is acceptable: these functions only measure (counts, first offending
row and value, minima and maxima, a bounded sample). The rules are the expectations in the suites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

SAMPLE_ROWS = 10_000  # row-level expectations never see more rows than this per file
SAMPLE_SEED = 20_240_601


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def type_family(duckdb_type: str | None) -> str | None:
    """The family of a DuckDB column type, as the schema suites speak of it."""
    if duckdb_type is None:
        return None
    kind = duckdb_type.upper()
    if kind.startswith("MAP("):
        return "map"
    if kind.endswith("[]") or kind.startswith(("STRUCT", "LIST", "UNION", "ARRAY")):
        return "nested"
    if kind.startswith("TIMESTAMP"):
        return "timestamp"
    if kind == "DATE":
        return "date"
    if kind in ("VARCHAR", "JSON") or kind.startswith("VARCHAR"):
        return "text"
    if kind == "BOOLEAN":
        return "boolean"
    if kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
        return "number"
    if re.fullmatch(r"U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?", kind):
        return "integer"
    return "other"


@dataclass(frozen=True)
class ParseCheck:
    """Non-empty text in `source_column` that is not `parses_as` where `condition` holds."""

    column: str  # canonical column
    source_column: str
    condition: str  # SQL over the raw relation, true on a bad value
    text: str  # SQL rendering the offending value as text
    parses_as: str  # "a finite number", "a date/time", ...


@dataclass(frozen=True)
class NullCheck:
    """How many rows have no value in `column` once normalised (`expression` over the raw relation)."""

    column: str
    source_column: str
    expression: str


def value_facts(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    parses: list[ParseCheck],
    nulls: list[NullCheck],
    row_number: str = "_source_row_number",
):
    """Per checked column, how many values fail, with the first offending row (and value).

    One scan counts every failure; only a column that has failures is read again, for its first offending
    row. One row per checked source column; `rows` (the file's data rows) is on every row, and on a single
    placeholder row when nothing is checked, so an empty file still has a fact to fail on.
    """
    import pandas as pd

    counts = ["count(*)"]
    counts += [f"count(*) filter (where {check.condition})" for check in parses]
    counts += [f"count(*) filter (where ({check.expression}) is null)" for check in nulls]
    values = con.execute(f"select {', '.join(counts)} from {relation}").fetchone()
    rows = values[0]
    facts: dict[tuple[str, str], dict] = {}

    def fact(column: str, source_column: str) -> dict:
        return facts.setdefault(
            (column, source_column),
            {
                "column": column,
                "source_column": source_column,
                "rows": rows,
                "parses_as": None,
                "parse_failures": 0,
                "first_parse_failure_row": None,
                "first_parse_failure_value": None,
                "nulls": None,
                "first_null_row": None,
            },
        )

    for check, bad in zip(parses, values[1 : 1 + len(parses)], strict=True):
        first_row = first_value = None
        if bad:
            first_row, first_value = con.execute(
                f"select {row_number}, {check.text} from {relation} where {check.condition} "
                f"order by {row_number} limit 1"
            ).fetchone()
        fact(check.column, check.source_column).update(
            parses_as=check.parses_as,
            parse_failures=bad,
            first_parse_failure_row=first_row,
            first_parse_failure_value=first_value,
        )
    for check, missing in zip(nulls, values[1 + len(parses) :], strict=True):
        first_row = None
        if missing:
            first_row = con.execute(
                f"select min({row_number}) from {relation} where ({check.expression}) is null"
            ).fetchone()[0]
        fact(check.column, check.source_column).update(nulls=missing, first_null_row=first_row)
    if not facts:
        fact("", "")
    frame = pd.DataFrame(list(facts.values()))
    for name in ("parse_failures", "nulls", "first_parse_failure_row", "first_null_row", "rows"):
        frame[name] = frame[name].astype("Int64")
    return frame


def bounded_sample(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[str],
    limit: int = SAMPLE_ROWS,
    row_number: str = "_source_row_number",
):
    """A reproducible random sample of at most `limit` rows (the whole file when it is smaller)."""
    select = ", ".join(ident(c) for c in dict.fromkeys([row_number, *columns]))
    frame = con.execute(
        f"select {select} from (select * from {relation} "
        f"using sample reservoir({int(limit)} rows) repeatable ({SAMPLE_SEED})) order by {ident(row_number)}"
    ).df()
    return frame.reset_index(drop=True)
