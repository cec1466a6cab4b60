"""Ingest AWS Cost and Usage Reports into the landing zone.

Accepted shapes (provider_exports.md §1): CUR 2.0 from Data Exports (Parquet; CSV / csv.gz with the maps
as JSON text), legacy CUR CSV (`lineItem/UnblendedCost` headers), legacy CUR Parquet with Athena names
(`line_item_unblended_cost`, tags flattened to `resource_tags_user_*`), and both delivery layouts with
their manifests. Every shape is normalised to the CUR 2.0 columns in `aws_cur_schema`, so one landed
table serves them all.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ai_finops.errors import IngestError
from ai_finops.ingest.aws_cur_schema import (
    CUR_COLUMNS,
    DOUBLE,
    LINEAGE_COLUMNS,
    MAP_DOUBLE,
    STRING,
    TIMESTAMP,
)
from ai_finops.ingest.formats import DeliveryUnit, NormalisedFile, SourceFile, SourceFormat
from ai_finops.quality import aws_cur as quality_cur
from ai_finops.quality.facts import NullCheck, ParseCheck, bounded_sample, type_family, value_facts
from ai_finops.quality.gx import current_session

PROVIDER = "aws"
SOURCE_KIND = "cur"

_CATEGORY_PREFIX = {
    "bill": "bill",
    "identity": "identity",
    "lineitem": "line_item",
    "pricing": "pricing",
    "product": "product",
    "reservation": "reservation",
    "savingsplan": "savings_plan",
    "resourcetags": "resource_tags",
    "costcategory": "cost_category",
    "discount": "discount",
    "splitlineitem": "split_line_item",
    "capacityreservation": "capacity_reservation",
}
_MAP_COLUMNS = {"product", "resource_tags", "cost_category", "discount", "tags"}
_DATA_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".gz")


def snake(name: str) -> str:
    """`UnblendedCost` -> `unblended_cost`, `ReservationARN` -> `reservation_a_r_n`, `user:Team` -> `user_team`."""
    out = re.sub(r"([A-Z])", r"_\1", name).lower()
    out = re.sub(r"[^0-9a-z]+", "_", out)
    return re.sub(r"_+", "_", out).strip("_")


def normalise_column_name(raw: str) -> tuple[str, str | None]:
    """Map a delivered header to (canonical snake name, original map key or None).

    Legacy CSV headers are `category/Name`; Athena/CUR 2.0 headers are already snake_case.
    """
    raw = raw.strip().lstrip("\ufeff")
    if "/" in raw:
        category, _, rest = raw.partition("/")
        prefix = _CATEGORY_PREFIX.get(category.strip().lower())
        if prefix is None:
            return snake(category) + "_" + snake(rest), None
        if prefix == "cost_category":
            return f"cost_category_{snake(rest)}", rest.strip()
        name = f"{prefix}_{snake(rest)}"
    else:
        name = snake(raw) if raw != raw.lower() or not re.fullmatch(r"[a-z0-9_]+", raw) else raw
    # `SavingsPlanArn` (seen in the wild) and `ReservationARN` both mean the CUR 2.0 `_a_r_n` column;
    # CUR 2.0's newer columns spell it `_arn` (capacity_reservation_capacity_reservation_arn).
    if name not in CUR_COLUMNS and name.endswith("_arn") and f"{name[:-4]}_a_r_n" in CUR_COLUMNS:
        name = f"{name[:-4]}_a_r_n"
    return name, None


# --------------------------------------------------------------------------------------------------
# discovery


def _is_data_file(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".json") or name.startswith(".") or name.startswith("_"):
        return False
    return name.endswith(_DATA_SUFFIXES)


def _file_kind(path: Path) -> str:
    return "parquet" if path.name.lower().endswith(".parquet") else "csv"


def _manifest_period(manifest: dict, manifest_path: Path) -> str | None:
    period = manifest.get("billingPeriod") or {}
    start = period.get("start") if isinstance(period, dict) else None
    if isinstance(start, str) and len(start) >= 6:
        digits = re.sub(r"[^0-9]", "", start)
        return f"{digits[:4]}-{digits[4:6]}"
    match = re.search(r"BILLING_PERIOD=(\d{4}-\d{2})", str(manifest_path))
    return match.group(1) if match else None


def _manifest_keys(manifest: dict) -> list[str]:
    for key in ("reportKeys", "dataFiles", "data_files", "files"):
        value = manifest.get(key)
        if isinstance(value, list):
            return [item if isinstance(item, str) else item.get("key", "") for item in value]
    return []


def _resolve_key(key: str, manifest_path: Path) -> Path | None:
    """Find the local file a manifest key names: match the longest tail of the key under an ancestor."""
    parts = [p for p in re.sub(r"^s3://[^/]+/", "", key).split("/") if p]
    for ancestor in [manifest_path.parent, *manifest_path.parents]:
        for start in range(len(parts)):
            candidate = ancestor.joinpath(*parts[start:])
            if candidate.is_file():
                return candidate
        if ancestor == ancestor.parent:
            break
    return None


def _load_manifest(manifest_path: Path) -> DeliveryUnit:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IngestError(manifest_path, None, f"manifest is not readable JSON ({exc})") from exc
    keys = _manifest_keys(manifest)
    if not keys:
        raise IngestError(manifest_path, "reportKeys", "manifest lists no data files")
    files = []
    for key in keys:
        local = _resolve_key(key, manifest_path)
        if local is None:
            raise IngestError(manifest_path, "reportKeys", f"manifest names a file that is not here: {key}")
        files.append(SourceFile(local, _file_kind(local)))
    return DeliveryUnit(
        files=files,
        manifest_path=manifest_path,
        manifest=manifest,
        manifest_period=_manifest_period(manifest, manifest_path),
        label=str(manifest_path),
    )


def _is_period_manifest(path: Path) -> bool:
    """Legacy CUR keeps a copy of each manifest inside its assembly folder: only the period-level one counts."""
    parent = path.parent.name
    return bool(re.fullmatch(r"\d{8}-\d{8}", parent)) or parent.startswith("BILLING_PERIOD=")


def discover(paths: list[Path]) -> list[DeliveryUnit]:
    """Turn user arguments (files, manifests, export folders) into delivery units, in argument order."""
    units: list[DeliveryUnit] = []
    loose: dict[Path, list[Path]] = {}
    for path in paths:
        if not path.exists():
            raise IngestError(path, None, "no such file or folder")
        if path.is_file() and path.name.lower().endswith("manifest.json"):
            units.append(_load_manifest(path))
        elif path.is_file():
            loose.setdefault(path.parent, []).append(path)
        else:
            manifests = sorted(
                p for p in path.rglob("*anifest.json") if _is_period_manifest(p) and ".staging" not in p.parts
            )
            if manifests:
                units.extend(_load_manifest(m) for m in manifests)
            else:
                files = sorted(p for p in path.rglob("*") if p.is_file() and _is_data_file(p))
                if not files:
                    raise IngestError(path, None, "folder holds no CUR data files or manifests")
                for file in files:
                    loose.setdefault(file.parent, []).append(file)
    # Loose files of one folder are one delivery: the parts of a month land together or not at all.
    for folder, files in loose.items():
        unique = sorted(set(files))
        label = str(unique[0]) if len(unique) == 1 else f"{folder} ({len(unique)} files)"
        units.append(DeliveryUnit([SourceFile(f, _file_kind(f)) for f in unique], label=label))
    return units


# --------------------------------------------------------------------------------------------------
# reading one file into the working connection


def _open_text(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _sniff_header(path: Path) -> list[str]:
    try:
        with _open_text(path) as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise IngestError(path, None, f"not a readable UTF-8 CSV file ({exc})") from exc
    if not first.strip():
        raise IngestError(path, None, "the file is empty (no header row)")
    if "\x01" in first:
        raise IngestError(
            path,
            None,
            "this is a Hive text dump of an Athena CUR table (fields separated by \\x01, nulls as \\N), "
            "not a CUR delivery; export the table as Parquet or CSV instead",
        )
    return next(csv.reader([first]))


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_source(con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str) -> list[tuple[str, str]]:
    """Load a file as-is into a temp table with `_source_row_number`; return [(column, duckdb type)]."""
    path = source.path
    if source.kind == "parquet":
        try:
            con.execute(
                f"create temp view {relation} as select * exclude (file_row_number), "
                "file_row_number + 1 as _source_row_number "
                f"from read_parquet({_sql_str(str(path))}, file_row_number = true, hive_partitioning = false)"
            )
        except duckdb.Error as exc:
            raise IngestError(
                path, None, f"not a readable Parquet file ({str(exc).splitlines()[0]})"
            ) from exc
    else:
        header = _sniff_header(path)
        seen: dict[str, int] = {}
        names = []
        for name in header:
            clean = name.strip().lstrip("\ufeff") or "unnamed"
            seen[clean] = seen.get(clean, 0) + 1
            names.append(clean if seen[clean] == 1 else f"{clean}__{seen[clean]}")
        columns = "{" + ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names) + "}"
        try:
            con.execute(
                f"create temp table {relation} as select *, row_number() over () as _source_row_number "
                f"from read_csv({_sql_str(str(path))}, columns = {columns}, header = true, delim = ',', "
                "quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, null_padding = false, "
                "encoding = 'utf-8', parallel = false, hive_partitioning = false)"
            )
        except duckdb.Error as exc:
            message = str(exc)
            line = re.search(r"CSV Error on Line: (\d+)", message)
            found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
            if found:
                raise IngestError(
                    path,
                    None,
                    f"ragged CSV: line {line.group(1) if line else '?'} has {found.group(2)} fields but the "
                    f"header has {found.group(1)}; refusing rather than shifting columns",
                ) from exc
            first = message.splitlines()[0] if message else type(exc).__name__
            raise IngestError(path, None, f"CSV could not be parsed ({first})") from exc
    rows = con.execute(f"select column_name, column_type from (describe {relation})").fetchall()
    return [(r[0], r[1]) for r in rows]


# --------------------------------------------------------------------------------------------------
# normalisation to the CUR 2.0 shape


def _as_text(col: str) -> str:
    return f"nullif(trim(cast({_ident(col)} as varchar)), '')"


def _map_from_columns(members: list[tuple[str, str]], value_type: str) -> str:
    if not members:
        return f"cast(map() as {value_type})"
    if value_type == MAP_DOUBLE:
        entries = ", ".join(
            f"{{'key': {_sql_str(key)}, 'value': try_cast({_as_text(col)} as double)}}"
            for key, col in members
        )
    else:
        entries = ", ".join(f"{{'key': {_sql_str(key)}, 'value': {_as_text(col)}}}" for key, col in members)
    return f"cast(map_from_entries(list_filter([{entries}], lambda e: e.value is not null)) as {value_type})"


def _detect_format(kind: str, columns: list[tuple[str, str]]) -> str:
    names = {c for c, _ in columns}
    if any("/" in n for n in names):
        return "legacy-cur-csv"
    if names & _MAP_COLUMNS:
        return f"cur2-{kind}"
    return f"legacy-cur-{kind}-athena-names"


def _parse_check(col: str, target: str, target_type: str) -> ParseCheck:
    """Non-empty text that does not parse as the landed type (or is NaN / infinite)."""
    text = _as_text(col)
    if target_type == DOUBLE:
        parsed = f"try_cast({text} as double)"
        condition = f"({text} is not null and ({parsed} is null or isnan({parsed}) or isinf({parsed})))"
        return ParseCheck(target, col, condition, text, "a finite number")
    if target_type == TIMESTAMP:
        condition = f"({text} is not null and try_cast({text} as timestamptz) is null)"
        return ParseCheck(target, col, condition, text, "a date/time")
    # CUR 2.0 CSV: a map column is JSON text
    condition = f"({text} is not null and try_cast(try_cast({text} as json) as {target_type}) is null)"
    return ParseCheck(target, col, condition, text, f"a JSON object of {target_type}")


@dataclass
class _ColumnMap:
    """How the delivered columns map onto the landed CUR 2.0 columns."""

    by_target: dict[str, list[str]] = field(default_factory=dict)
    map_members: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    native_maps: dict[str, tuple[str, str]] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    def delivered_names(self) -> dict[str, str]:
        """Canonical column -> the delivered column it is read from (for messages)."""
        names = {target: sources[0] for target, sources in self.by_target.items()}
        names.update({target: col for target, (col, _) in self.native_maps.items()})
        return names


def _map_columns(columns: list[tuple[str, str]]) -> _ColumnMap:
    mapping = _ColumnMap(map_members={m: [] for m in _MAP_COLUMNS})
    for col, col_type in columns:
        if col == "_source_row_number":
            continue
        target, original_key = normalise_column_name(col)
        if target in _MAP_COLUMNS:
            mapping.native_maps[target] = (col, col_type)
            continue
        if target in CUR_COLUMNS:
            mapping.by_target.setdefault(target, []).append(col)
        for group in ("product", "resource_tags", "cost_category", "discount"):
            if target.startswith(group + "_") and target not in (
                "discount_total_discount",
                "discount_bundled_discount",
            ):
                key = original_key or target[len(group) + 1 :]
                mapping.map_members[group].append((key, col))
                break
        else:
            if target not in CUR_COLUMNS:
                mapping.unmapped.append(col)
    return mapping


def _schema_facts(mapping: _ColumnMap, types: dict[str, str]):
    """One row per CUR column x delivered column (and per delivered column the CUR does not define)."""
    import pandas as pd

    unrecognised = [c for c in mapping.unmapped if not c.startswith("_")]
    note = ""
    if unrecognised:
        shown = ", ".join(repr(c) for c in unrecognised[:5])
        note = f" (the file has {len(unrecognised)} column(s) that are not CUR columns: {shown}"
        note += ", ...)" if len(unrecognised) > 5 else ")"
    rows = []
    for target, target_type in CUR_COLUMNS.items():
        landed = "MAP" if target_type.startswith("MAP") else target_type
        if target in _MAP_COLUMNS:
            if target in mapping.native_maps:
                col, col_type = mapping.native_maps[target]
                rows.append((target, col, True, landed, col_type))
            elif mapping.map_members.get(target):
                rows.append((target, None, True, landed, target_type))  # folded from member columns
            else:
                rows.append((target, None, False, landed, None))
            continue
        sources = mapping.by_target.get(target, [])
        rows.extend((target, col, True, landed, types[col]) for col in sources)
        if not sources:
            rows.append((target, None, False, landed, None))
    rows.extend((None, col, True, None, types[col]) for col in mapping.unmapped)
    frame = pd.DataFrame(
        [(*row, type_family(row[4]), note) for row in rows],
        columns=[
            "column",
            "source_column",
            "present",
            "target_type",
            "delivered_type",
            "delivered_family",
            "unrecognised_note",
        ],
    )
    frame["present"] = frame["present"].astype(bool)
    frame["present_column"] = frame["column"].where(frame["present"])
    return frame


def normalise(
    con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str, lineage: dict[str, str]
) -> NormalisedFile:
    """Create `relation` in CUR 2.0 shape from one delivered file, or raise IngestError.

    The file's facts are validated by the format's expectation suites (`ai_finops.quality.aws_cur`) in three
    stages: schema (no scan), values (one scan of the file) and a bounded row sample.
    """
    path = source.path
    raw_relation = f"{relation}_raw"
    columns = _read_source(con, source, raw_relation)
    source_format = _detect_format(source.kind, columns)
    family = quality_cur.suite_family(source_format)
    quality = current_session()
    run_name = f"{path.name} ({lineage['_delivery_id']})"
    types = dict(columns)
    mapping = _map_columns(columns)
    names = mapping.delivered_names()

    quality.check(f"{family}.schema", _schema_facts(mapping, types), path, run_name=run_name)

    select: list[str] = []
    parses: list[ParseCheck] = []
    expressions: dict[str, str] = {}
    for target, target_type in CUR_COLUMNS.items():
        sources = mapping.by_target.get(target, [])
        if target in _MAP_COLUMNS:
            if target in mapping.native_maps:
                col, col_type = mapping.native_maps[target]
                if col_type.upper().startswith("MAP"):
                    expr = f"cast({_ident(col)} as {target_type})"
                else:  # CUR 2.0 CSV: the map is JSON text
                    parses.append(_parse_check(col, target, target_type))
                    text = _as_text(col)
                    expr = (
                        f"coalesce(try_cast(try_cast({text} as json) as {target_type}), "
                        f"cast(map() as {target_type}))"
                    )
            else:
                expr = _map_from_columns(mapping.map_members.get(target, []), target_type)
        elif not sources:
            expr = f"cast(null as {target_type})"
        else:
            parts = []
            for col in sources:
                family_of_col = type_family(types[col])
                if target_type == STRING:
                    parts.append(_as_text(col))
                elif target_type == DOUBLE and family_of_col in ("number", "integer"):
                    parses.append(
                        ParseCheck(
                            target,
                            col,
                            f"(isnan({_ident(col)}) or isinf({_ident(col)}))",
                            f"cast({_ident(col)} as varchar)",
                            "a finite number",
                        )
                    )
                    parts.append(f"cast({_ident(col)} as double)")
                elif target_type == TIMESTAMP and family_of_col == "timestamp":
                    parts.append(f"cast(cast({_ident(col)} as timestamptz) as timestamp)")
                elif target_type == TIMESTAMP and family_of_col == "date":
                    parts.append(f"cast({_ident(col)} as timestamp)")
                else:
                    parses.append(_parse_check(col, target, target_type))
                    text = _as_text(col)
                    if target_type == DOUBLE:
                        parts.append(f"try_cast({text} as double)")
                    else:
                        parts.append(f"cast(try_cast({text} as timestamptz) as timestamp)")
            expr = parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"
        expressions[target] = expr
        select.append(f"{expr} as {_ident(target)}")

    nulls = [
        NullCheck(target, mapping.by_target[target][0], expressions[target])
        for target in quality_cur.NOT_NULL[family]
        if target in mapping.by_target
    ]
    values = value_facts(con, raw_relation, parses, nulls)
    quality.check(f"{family}.values", values, path, run_name=run_name)

    select.append(f"{_sql_str(lineage['_delivery_id'])} as _delivery_id")
    select.append(f"{_sql_str(lineage['_source_file'])} as _source_file")
    select.append("cast(_source_row_number as bigint) as _source_row_number")
    select.append(f"{_sql_str(source_format)} as _source_format")
    select.append(f"cast({_sql_str(lineage['_loaded_at'])} as timestamp) as _loaded_at")
    con.execute(f"create temp view {relation} as select {', '.join(select)} from {raw_relation}")

    sample = bounded_sample(con, relation, list(quality_cur.SAMPLE_COLUMNS))
    quality.check(f"{family}.rows_sample", sample, path, column_names=names, run_name=run_name)

    count = int(values["rows"].iloc[0])
    return NormalisedFile(relation, source_format, count, mapping.unmapped, column_names=names)


def check_delivery(
    con: duckdb.DuckDBPyConnection, relation: str, label: str, files: dict[str, dict[str, str]]
) -> None:
    """Checks across the files of one delivery: value sets, currencies, usage signs and dates per slice."""
    current_session().check(
        quality_cur.SLICES,
        quality_cur.slice_facts(con, relation),
        label,
        column_names_by_file=files,
        run_name=f"{Path(label).name} (delivery)",
    )


def order_facts(con: duckdb.DuckDBPyConnection, relation: str, where: str = "true") -> dict:
    """What says which of two deliveries of a key is the newer: its invoice ids and how far its usage runs."""
    invoices, through = con.execute(
        f"select list(distinct bill_invoice_id order by bill_invoice_id) filter (where bill_invoice_id is not null), "
        f"max(line_item_usage_start_date) from {relation} where {where}"
    ).fetchone()
    return {
        "invoice_ids": list(invoices or []),
        "data_through": through.isoformat() if through else None,
        "invoice_column": "bill_invoice_id",
        "through_column": "line_item_usage_start_date",
    }


def source_variant(source_format: str) -> str:
    """Legacy CUR (any shape) or CUR 2.0: two exports of the same bill; the overlapping-sources rule
    (runner.overlapping_sources) refuses to let one replace the other without `--supersede`."""
    return "legacy CUR" if source_format.startswith("legacy-cur") else "CUR 2.0"


FORMAT = SourceFormat(
    provider=PROVIDER,
    source_kind=SOURCE_KIND,
    view_schema="raw_aws",
    view_name="cur_line_items",
    columns={**CUR_COLUMNS, **LINEAGE_COLUMNS},
    discover=discover,
    normalise=normalise,
    account_sql="bill_payer_account_id",
    period_sql="strftime(bill_billing_period_start_date, '%Y-%m')",
    period_column="bill_billing_period_start_date",
    cost_sql="line_item_unblended_cost",
    check_delivery=check_delivery,
    order_facts=order_facts,
    variant_of=source_variant,
)
