"""Ingest Google Cloud billing exports (the BigQuery detailed or standard usage cost export) into the landing zone.

Google writes billing data only into BigQuery tables; a warehouse that is not BigQuery gets files by
extracting them (provider_exports.md §3.5). Accepted shapes:

- **Parquet** from `EXPORT DATA ... FORMAT = 'PARQUET'`: nested columns as STRUCT / LIST of STRUCT;
- **newline-delimited JSON** from `EXPORT DATA ... FORMAT = 'JSON'` (`.json`, `.jsonl`, `.ndjson`, gzipped or
  not): nested objects and arrays, TIMESTAMPs as `2026-10-01 07:00:00 UTC`, INT64 / NUMERIC as strings;
- **pandas-flattened CSV** (what koku writes, and the two public GCP samples): dotted column names
  (`invoice.month`, `usage.amount`) and the repeated columns as Python reprs (`[{'key': ..., ...}]`) or JSON.
  Python reprs are parsed with `ast.literal_eval` (literals only, never `eval`); anything else is refused.

Every shape lands in one table with the export's own column names, nesting and types (`gcp_billing_schema`).

**Replacement unit.** The export table is append-only (corrections and late usage are appended), so a file
of ours is an extraction and the unit it replaces is (billing account, invoice month): every landed month is
replaced whole by the next extraction of that month. That only works if an extraction holds whole invoice
months, which one file cannot prove. What this ingest enforces (README, "Google Cloud"):

1. Every row carries `invoice.month` (`YYYYMM`); the landing key is (billing_account_id, invoice.month).
2. The files of one folder land together (one delivery); a single file that is one shard of a multi-file
   `EXPORT DATA` (`...-000000000001.parquet` with sibling shards) is refused: pass the folder.
3. A folder named `invoice_month=YYYYMM` (the layout of the README's export query) holds that month only.
4. Each (billing account, invoice month) starts on the month's first day (US Pacific, as invoices do) and its
   usage runs to the month's end, or for a month still open, to within two days of its latest `export_time`.
   A file cut by usage date or partition date fails this and is refused, naming the days it lacks, unless
   `--allow-partial-months` is given (then it lands as that whole month, with a warning).
5. Of two extractions of one key, the one with the later `export_time` is the newer; an older extraction that
   arrives later is refused (runner.out_of_order).
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import gzip
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ai_finops.errors import IngestError
from ai_finops.ingest.formats import DeliveryUnit, NormalisedFile, SourceFile, SourceFormat
from ai_finops.ingest.gcp_billing_schema import (
    EXPORT_COLUMNS,
    EXPORT_SCHEMA,
    LINEAGE_COLUMNS,
)
from ai_finops.quality import gcp_billing as quality_gcp
from ai_finops.quality.gx import current_session

PROVIDER = "gcp"
SOURCE_KIND = "billing_export"
VIEW_NAME = "gcp_billing_export_resource_v1"

_PARQUET = (".parquet",)
_JSON = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_CSV = (".csv", ".csv.gz")
_SHARD = re.compile(r"^(?P<stem>.*?)(?P<number>\d{12})(?P<suffix>\.[^/]+)$")
_MONTH_HINT = re.compile(r"invoice_month=(\d{6})")
_PACIFIC = "America/Los_Angeles"
# Late rows keep arriving for about a day (provider_exports.md §3.4): an open month must reach this close
# to its latest export_time.
_OPEN_MONTH_SLACK_DAYS = 2


# --------------------------------------------------------------------------------------------------
# discovery


def _file_kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.startswith((".", "_")):
        return None
    if name.endswith(_PARQUET):
        return "parquet"
    if name.endswith(_JSON):
        return "jsonl"
    if name.endswith(_CSV):
        return "csv"
    return None


def _shard_siblings(path: Path) -> list[Path]:
    """Other shards of the same wildcard export (BigQuery numbers them with 12 digits) in the same folder."""
    match = _SHARD.match(path.name)
    if not match:
        return []
    pattern = re.compile(re.escape(match["stem"]) + r"\d{12}" + re.escape(match["suffix"]) + "$")
    return sorted(p for p in path.parent.iterdir() if p != path and p.is_file() and pattern.match(p.name))


def discover(paths: list[Path]) -> list[DeliveryUnit]:
    """Files and folders -> deliveries: the data files of one folder are one delivery, in argument order."""
    groups: dict[Path, list[Path]] = {}
    explicit: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise IngestError(path, None, "no such file or folder")
        if path.is_file():
            if _file_kind(path) is None:
                raise IngestError(
                    path,
                    None,
                    "not a GCP billing export file (expected .parquet, .json/.jsonl/.ndjson or .csv, "
                    "optionally gzipped)",
                )
            groups.setdefault(path.parent, []).append(path)
            explicit.add(path)
            continue
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and _file_kind(p) and ".staging" not in p.parts
        )
        if not files:
            raise IngestError(path, None, "folder holds no GCP billing export files")
        for file in files:
            groups.setdefault(file.parent, []).append(file)
    units = []
    for folder, files in groups.items():
        unique = sorted(set(files))
        for file in unique:
            if file not in explicit:
                continue
            missing = [s for s in _shard_siblings(file) if s not in unique]
            if missing:
                shown = ", ".join(s.name for s in missing[:3]) + (", ..." if len(missing) > 3 else "")
                raise IngestError(
                    file,
                    None,
                    f"this file is one shard of a multi-file export (the folder also holds {shown}): one shard "
                    "holds only part of its invoice months; pass the folder so all shards land together",
                )
        label = str(unique[0]) if len(unique) == 1 else f"{folder} ({len(unique)} files)"
        units.append(DeliveryUnit([SourceFile(f, _file_kind(f) or "parquet") for f in unique], label=label))
    return units


# --------------------------------------------------------------------------------------------------
# Parquet: conform the delivered Arrow columns to the export schema


def _cast_leaf(array: pa.Array, target: pa.DataType, column: str, path: Path) -> pa.Array:
    source = array.type
    if pa.types.is_dictionary(source):
        array = array.dictionary_decode()
        source = array.type
    if source == target:
        return array
    try:
        if pa.types.is_timestamp(target) and pa.types.is_timestamp(source):
            if source.tz is None:  # a naive timestamp from BigQuery is UTC
                array = pc.assume_timezone(array, "UTC")
            return array.cast(target)
        if pa.types.is_timestamp(target) and pa.types.is_date(source):
            return pc.assume_timezone(array.cast(pa.timestamp("us")), "UTC").cast(target)
        if pa.types.is_string(target) and (
            pa.types.is_large_string(source) or pa.types.is_string_view(source)
        ):
            return array.cast(target)
        if pa.types.is_string(target) and (pa.types.is_integer(source) or pa.types.is_decimal(source)):
            return array.cast(target)
        if (pa.types.is_floating(target) or pa.types.is_decimal(target)) and (
            pa.types.is_floating(source) or pa.types.is_integer(source) or pa.types.is_decimal(source)
        ):
            return array.cast(target, safe=False)
        if pa.types.is_boolean(target) and pa.types.is_boolean(source):
            return array
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise IngestError(path, column, f"values do not convert from {source} to {target}: {exc}") from exc
    if pa.types.is_string(source) or pa.types.is_large_string(source):
        # Text in a typed column (a hand-made Parquet): parse it value by value, naming the first bad one.
        values = array.to_pylist()
        return pa.array(
            [_py_value(v, target, column, path, i + 1) for i, v in enumerate(values)], type=target
        )
    raise IngestError(path, column, f"has type {source}, the export has {target}")


def _conform(array: pa.Array, target: pa.DataType, column: str, path: Path) -> pa.Array:
    """`array` in exactly the type `target`: missing struct fields null, missing lists empty, extras dropped."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_struct(target):
        if not pa.types.is_struct(array.type):
            raise IngestError(path, column, f"is {array.type}, the export has a RECORD {target}")
        children = []
        for field in target:
            index = array.type.get_field_index(field.name)
            if index < 0:
                child = _empty_or_null(field.type, len(array))
            else:
                child = _conform(array.field(index), field.type, f"{column}.{field.name}", path)
            children.append(child)
        mask = array.is_null() if array.null_count else None
        return pa.StructArray.from_arrays(children, fields=list(target), mask=mask)
    if pa.types.is_list(target):
        if not (pa.types.is_list(array.type) or pa.types.is_large_list(array.type)):
            raise IngestError(path, column, f"is {array.type}, the export has a REPEATED {target.value_type}")
        offsets = array.offsets.cast(pa.int32())
        first = offsets[0].as_py()
        values = _conform(array.values, target.value_type, column, path)
        if first != 0:
            values = values.slice(first)
            offsets = pc.subtract(offsets, pa.scalar(first, pa.int32()))
        mask = array.is_null() if array.null_count else None
        conformed = pa.ListArray.from_arrays(offsets, values, type=target, mask=mask)
        if conformed.null_count:  # REPEATED is never NULL in BigQuery: a null list is an empty list
            conformed = pc.fill_null(conformed, pa.scalar([], target))
        return conformed
    return _cast_leaf(array, target, column, path)


def _empty_or_null(target: pa.DataType, n: int) -> pa.Array:
    if pa.types.is_list(target):
        return pa.ListArray.from_arrays(pa.array([0] * (n + 1), pa.int32()), pa.array([], target.value_type))
    return pa.nulls(n, target)


def _read_parquet(path: Path) -> tuple[pa.Table, list[str]]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(path, None, f"not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    names = set(table.column_names)
    columns = {}
    for field in EXPORT_SCHEMA:
        if field.name in names:
            columns[field.name] = _conform(table.column(field.name), field.type, field.name, path)
        else:
            columns[field.name] = _empty_or_null(field.type, table.num_rows)
    unmapped = sorted(names - set(EXPORT_SCHEMA.names))
    return pa.table(columns, schema=EXPORT_SCHEMA), unmapped


# --------------------------------------------------------------------------------------------------
# JSON lines and flattened CSV: Python values -> the export schema


def _parse_timestamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # useInt64Timestamp exports: microseconds since the epoch
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(value))
    text = str(value).strip()
    if text.isdigit():
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(text))
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    elif text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class _BadValue(ValueError):
    pass


def _py_value(value: Any, target: pa.DataType, column: str, path: Path, row: int) -> Any:
    """One delivered value as the Python value of `target`, or IngestError naming file, column and row."""
    if value is None or (isinstance(value, str) and value.strip() == "" and not pa.types.is_list(target)):
        return [] if pa.types.is_list(target) else None
    try:
        if pa.types.is_struct(target):
            if not isinstance(value, dict):
                raise _BadValue(f"expected a RECORD object, found {type(value).__name__}")
            return {
                f.name: _py_value(value.get(f.name), f.type, f"{column}.{f.name}", path, row) for f in target
            }
        if pa.types.is_list(target):
            if isinstance(value, str):
                value = _parse_repeated(value, column, path, row)
            if isinstance(value, dict):  # a single RECORD where a REPEATED one was expected
                value = [value]
            if not isinstance(value, list):
                raise _BadValue(f"expected a list of records, found {type(value).__name__}")
            return [_py_value(item, target.value_type, column, path, row) for item in value]
        if pa.types.is_string(target):
            if isinstance(value, dict | list):
                raise _BadValue(f"expected text, found {type(value).__name__}")
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        if pa.types.is_floating(target):
            if isinstance(value, bool):
                raise _BadValue("expected a number, found true/false")
            number = float(value)
            if not math.isfinite(number):
                raise _BadValue("is not a finite number")
            return number
        if pa.types.is_decimal(target):
            number = Decimal(str(value).strip())
            if not number.is_finite():
                raise _BadValue("is not a finite number")
            return number.quantize(Decimal(1).scaleb(-target.scale))
        if pa.types.is_timestamp(target):
            return _parse_timestamp(value)
        if pa.types.is_boolean(target):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "false"):
                return text == "true"
            raise _BadValue("expected true or false")
    except IngestError:
        raise
    except (ValueError, TypeError, ArithmeticError, InvalidOperation) as exc:
        shown = value if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        problem = str(exc) if isinstance(exc, _BadValue) else f"cannot be read as {target}"
        raise IngestError(path, column, f"data row {row}: {shown!r} {problem}") from exc
    raise IngestError(path, column, f"unsupported type {target}")


def _parse_repeated(text: str, column: str, path: Path, row: int) -> Any:
    """A repeated column written as text: JSON, or a Python repr (literals only, never evaluated as code)."""
    text = text.strip()
    if text in ("", "[]"):
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError as json_error:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
            shown = text if len(text) <= 80 else text[:77] + "..."
            raise IngestError(
                path,
                column,
                f"data row {row}: {shown!r} is neither valid JSON ({json_error.msg} at character "
                f"{json_error.pos}) nor a Python literal list of records",
            ) from json_error
    if not isinstance(value, list | tuple) or not all(isinstance(item, dict) for item in value):
        raise IngestError(path, column, f"data row {row}: expected a list of records, found {value!r}")
    return list(value)


def _records_to_table(records: list[dict], path: Path) -> pa.Table:
    columns = {}
    for field in EXPORT_SCHEMA:
        values = [record.get(field.name) for record in records]
        try:
            columns[field.name] = pa.array(values, type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise IngestError(path, field.name, f"values do not fit {field.type}: {exc}") from exc
    return pa.table(columns, schema=EXPORT_SCHEMA)


def _open_text(path: Path) -> io.TextIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _convert_record(raw: dict, path: Path, row: int) -> tuple[dict, set[str]]:
    record = {}
    for field in EXPORT_SCHEMA:
        record[field.name] = _py_value(raw.get(field.name), field.type, field.name, path, row)
    return record, set(raw) - set(EXPORT_SCHEMA.names)


def _read_jsonl(path: Path) -> tuple[pa.Table, list[int], list[str]]:
    records, rows, unmapped = [], [], set()
    try:
        with _open_text(path) as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise IngestError(
                        path, None, f"line {line_number} is not valid JSON ({exc.msg} at character {exc.pos})"
                    ) from exc
                if not isinstance(raw, dict):
                    raise IngestError(path, None, f"line {line_number} is not a JSON object")
                record, extra = _convert_record(raw, path, line_number)
                records.append(record)
                rows.append(line_number)
                unmapped |= extra
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise IngestError(path, None, f"not a readable UTF-8 JSON lines file ({exc})") from exc
    return _records_to_table(records, path), rows, sorted(unmapped)


def _read_flat_csv(path: Path) -> tuple[pa.Table, list[int], list[str]]:
    """pandas' flattening of the export: `invoice.month` columns, repeated fields as text."""
    try:
        with _open_text(path) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise IngestError(path, None, "the file is empty (no header row)")
            header = [h.strip() for h in header]
            known = {f.name for f in EXPORT_SCHEMA}
            if not any(h.split(".")[0] in known for h in header):
                raise IngestError(path, None, "no column of the GCP billing export found in the header")
            records, rows = [], []
            for row_number, cells in enumerate(reader, start=1):
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise IngestError(
                        path,
                        None,
                        f"ragged CSV: data row {row_number} has {len(cells)} fields but the header has "
                        f"{len(header)}; refusing rather than shifting columns",
                    )
                raw: dict[str, Any] = {}
                for name, cell in zip(header, cells, strict=True):
                    parts = name.split(".")
                    target = raw
                    for part in parts[:-1]:
                        existing = target.get(part)
                        if not isinstance(existing, dict):
                            existing = {}
                            target[part] = existing
                        target = existing
                    target[parts[-1]] = cell
                record, _ = _convert_record(raw, path, row_number)
                records.append(record)
                rows.append(row_number)
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile, csv.Error) as exc:
        raise IngestError(path, None, f"not a readable UTF-8 CSV file ({exc})") from exc
    unmapped = sorted(h for h in header if h.split(".")[0] not in {f.name for f in EXPORT_SCHEMA})
    return _records_to_table(records, path), rows, unmapped


def _present_paths(path: Path, kind: str) -> set[str]:
    """The dotted column paths a file delivers (for the required-columns check)."""
    if kind == "parquet":
        schema = pq.read_schema(path)

        def walk(prefix: str, dtype: pa.DataType) -> Iterator[str]:
            yield prefix
            if pa.types.is_struct(dtype):
                for child in dtype:
                    yield from walk(f"{prefix}.{child.name}", child.type)

        return {name for field in schema for name in walk(field.name, field.type)}
    if kind == "csv":
        with _open_text(path) as handle:
            header = next(csv.reader(handle), None) or []
        out = set()
        for name in header:
            parts = name.strip().split(".")
            out |= {".".join(parts[: i + 1]) for i in range(len(parts))}
        return out
    # JSON lines: BigQuery leaves NULL fields (and may leave empty lists) out of each object, so a key absent
    # from a line says nothing about the file; the row checks after reading catch what is missing.
    return {"*"}


# --------------------------------------------------------------------------------------------------
# one file -> the landed shape


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _check_month_hint(con: duckdb.DuckDBPyConnection, relation: str, path: Path) -> None:
    hints = _MONTH_HINT.findall(str(path))
    if not hints:
        return
    expected = hints[-1]
    months = [
        m for (m,) in con.execute(f"select distinct invoice.month from {relation} order by 1").fetchall()
    ]
    if months != [expected]:
        raise IngestError(
            path,
            "invoice.month",
            f"the folder says invoice_month={expected} but the rows' invoice.month says {', '.join(months)}",
        )


def normalise(
    con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str, lineage: dict[str, str]
) -> NormalisedFile:
    """Create `relation` in the export's shape (plus lineage) from one delivered file, or raise IngestError."""
    path = source.path
    present = _present_paths(path, source.kind)
    flat_names = sorted(n for n in present if "." in n and n.split(".")[0] not in present)
    if source.kind == "parquet" and flat_names:
        raise IngestError(
            path,
            flat_names[0],
            "this Parquet file has flattened (dotted) column names; write the export with its nested "
            "columns (BigQuery EXPORT DATA ... FORMAT = 'PARQUET' does), or deliver the flattened CSV",
        )
    quality = current_session()
    run_name = f"{path.name} ({lineage['_delivery_id']})"
    if "*" not in present:
        quality.check(quality_gcp.SCHEMA, quality_gcp.schema_facts(present), path, run_name=run_name)
    if source.kind == "parquet":
        table, unmapped = _read_parquet(path)
        row_numbers = list(range(1, table.num_rows + 1))
        source_format = "bigquery-export-parquet"
    elif source.kind == "jsonl":
        table, row_numbers, unmapped = _read_jsonl(path)
        source_format = "bigquery-export-jsonl"
    else:
        table, row_numbers, unmapped = _read_flat_csv(path)
        source_format = "pandas-flattened-csv"
    table = table.append_column("_source_row_number", pa.array(row_numbers, pa.int64()))
    arrow_name = f"{relation}_arrow"
    con.register(arrow_name, table)
    try:
        columns = ", ".join(f'"{c}"' for c in EXPORT_COLUMNS)
        con.execute(
            f"create temp table {relation} as select {columns}, "
            f"{_sql_str(lineage['_delivery_id'])} as _delivery_id, "
            f"{_sql_str(lineage['_source_file'])} as _source_file, "
            "_source_row_number, "
            f"{_sql_str(source_format)} as _source_format, "
            f"cast({_sql_str(lineage['_loaded_at'])} as timestamp) as _loaded_at "
            f"from {arrow_name}"
        )
    finally:
        con.unregister(arrow_name)
    quality.check(quality_gcp.VALUES, quality_gcp.row_facts(con, relation), path, run_name=run_name)
    _check_month_hint(con, relation, path)
    names = {name: name for name in EXPORT_COLUMNS}
    return NormalisedFile(relation, source_format, table.num_rows, unmapped, column_names=names)


# --------------------------------------------------------------------------------------------------
# across the files of one delivery


def invoice_month_coverage(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple]:
    """Per (billing account, invoice month): first and last usage day inside the month (US Pacific), the
    last export day, and the month's first and last day."""
    return con.execute(
        f"""
        with rows as (
            select
                billing_account_id,
                invoice.month as invoice_month,
                cast(timezone('{_PACIFIC}', usage_start_time) as date) as usage_day,
                cast(timezone('{_PACIFIC}', export_time) as date) as export_day
            from {relation}
        )
        select
            billing_account_id,
            invoice_month,
            min(usage_day) filter (where strftime(usage_day, '%Y%m') = invoice_month) as first_day,
            max(usage_day) filter (where strftime(usage_day, '%Y%m') = invoice_month) as last_day,
            max(export_day) as exported_through,
            cast(strptime(invoice_month, '%Y%m') as date) as month_start,
            cast(strptime(invoice_month, '%Y%m') + interval 1 month - interval 1 day as date) as month_end
        from rows
        group by billing_account_id, invoice_month
        order by billing_account_id, invoice_month
        """
    ).fetchall()


def partial_month_problems(coverage: list[tuple]) -> list[str]:
    """Why each (billing account, invoice month) does not look like a whole extraction of the month."""
    problems = []
    for account, month, first_day, last_day, exported_through, month_start, month_end in coverage:
        if first_day is None:  # only late usage or corrections of earlier months: nothing to judge
            continue
        where = f"billing account {account}, invoice month {month}"
        if first_day > month_start:
            problems.append(
                f"{where}: usage inside the month starts on {first_day} (US Pacific), not on its first day "
                f"{month_start}: the rows of {month_start} to {first_day - dt.timedelta(days=1)} are missing"
            )
            continue
        if exported_through is not None:
            required = min(month_end, exported_through - dt.timedelta(days=_OPEN_MONTH_SLACK_DAYS))
            if last_day < required:
                problems.append(
                    f"{where}: usage inside the month ends on {last_day} (US Pacific) although rows were "
                    f"exported up to {exported_through}: the rows of {last_day + dt.timedelta(days=1)} to "
                    f"{required} are missing"
                )
    return problems


def check_delivery(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    label: str,
    files: dict[str, dict[str, str]],
    *,
    allow_partial_months: bool = False,
) -> None:
    """Refuse a delivery that holds only part of an invoice month (rule 4 of the module docstring)."""
    problems = partial_month_problems(invoice_month_coverage(con, relation))
    if not problems:
        return
    advice = (
        "a GCP extraction must hold whole invoice months (README, 'Google Cloud billing export': "
        "EXPORT DATA ... WHERE invoice.month IN (...)); pass --allow-partial-months to land it as the whole "
        "month anyway"
    )
    if not allow_partial_months:
        raise IngestError(
            label,
            "usage_start_time",
            f"holds only part of an invoice month: {problems[0]}; {advice}",
            [str(IngestError(label, "usage_start_time", p)) for p in problems[1:]],
        )
    from ai_finops.quality.gx import Finding, current_session

    session = current_session()
    for problem in problems:
        session.warnings.append(
            Finding(
                "gcp_billing.delivery",
                "whole_invoice_month",
                "warning",
                label,
                "usage_start_time",
                f"landed as the whole invoice month although it holds only part of it (--allow-partial-months): "
                f"{problem}",
            )
        )


def order_facts(con: duckdb.DuckDBPyConnection, relation: str, where: str = "true") -> dict:
    """An extraction is newer than another of the same key when its rows were exported later."""
    (through,) = con.execute(f"select max(export_time) from {relation} where {where}").fetchone()
    return {
        "invoice_ids": [],
        "data_through": through.isoformat() if through else None,
        "invoice_column": None,
        "through_column": "export_time",
    }


_PERIOD_SQL = "(substr(invoice.month, 1, 4) || '-' || substr(invoice.month, 5, 2))"

FORMAT = SourceFormat(
    provider=PROVIDER,
    source_kind=SOURCE_KIND,
    view_schema="raw_gcp",
    view_name=VIEW_NAME,
    columns={**EXPORT_COLUMNS, **LINEAGE_COLUMNS},
    discover=discover,
    normalise=normalise,
    account_sql="billing_account_id",
    period_sql=_PERIOD_SQL,
    period_column="invoice.month",
    cost_sql="(cost + coalesce(list_sum(list_transform(credits, lambda c: c.amount)), 0))",
    check_delivery=check_delivery,
    order_facts=order_facts,
)


def format_for(*, allow_partial_months: bool = False) -> SourceFormat:
    """FORMAT, or a variant that lands partial invoice months with a warning instead of refusing them."""
    if not allow_partial_months:
        return FORMAT
    check: Callable = partial(check_delivery, allow_partial_months=True)
    return dataclasses.replace(FORMAT, check_delivery=check)


def ingest(inputs: list[Path], *, allow_partial_months: bool = False, **kwargs):
    """Land GCP billing extractions (runner.ingest with this format); see the module docstring."""
    from ai_finops.ingest.runner import ingest as run

    return run(format_for(allow_partial_months=allow_partial_months), inputs, **kwargs)
