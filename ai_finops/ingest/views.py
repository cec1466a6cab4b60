"""(Re)create the raw views in the DuckDB file over the landing zone, so dbt sources never hold a path.

Per registered format, a typed empty view when nothing has landed yet, else:

- `<view_schema>.<view_name>`: the lines of the current delivery of every billing account x period;
- `<view_schema>.<view_name>_all_deliveries`: the lines of every delivery kept, current and superseded
  (the archive keeps superseded deliveries whole), for the restatement log;
- `<view_schema>.<source_kind>_deliveries`: one row per delivery x billing account x period, current and
  superseded, read from the `_delivery.json` files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ai_finops import paths
from ai_finops.errors import LandingError
from ai_finops.ingest.formats import SourceFormat, registered_formats


def _typed_empty_select(columns: dict[str, str]) -> str:
    return "select " + ", ".join(f'cast(null as {t}) as "{c}"' for c, t in columns.items()) + " where false"


_LAYOUT = ("billing_account=*", "billing_period=*", "delivery=*")

# `_delivery.json` fields as typed columns (absent fields read as null: older deliveries lack some).
_DELIVERY_JSON_COLUMNS = {
    "delivery_id": "VARCHAR",
    "provider": "VARCHAR",
    "source_kind": "VARCHAR",
    "billing_account": "VARCHAR",
    "billing_period": "VARCHAR",
    "loaded_at": "VARCHAR",
    "row_count": "BIGINT",
    "replaces_delivery_id": "VARCHAR",
    "invoice_ids": "VARCHAR[]",
    "data_through": "VARCHAR",
    "manifest_path": "VARCHAR",
    "manifest": "JSON",
    "source_files": "JSON",
}

DELIVERY_COLUMNS: dict[str, str] = {
    "_delivery_id": "VARCHAR",
    "provider": "VARCHAR",
    "source_kind": "VARCHAR",
    "billing_account_id": "VARCHAR",
    "billing_period": "VARCHAR",
    "row_count": "BIGINT",
    "replaces_delivery_id": "VARCHAR",
    "invoice_ids": "VARCHAR",
    "data_through": "TIMESTAMP",
    "manifest_id": "VARCHAR",
    "manifest_path": "VARCHAR",
    "source_file_count": "BIGINT",
    "_loaded_at": "TIMESTAMP",
    "_source_file": "VARCHAR",
}


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _patterns(fmt: SourceFormat, roots: list[Path], file_name: str) -> list[str]:
    """Glob patterns (one per root and provider folder) that match at least one file."""
    out = []
    for root in roots:
        for provider in fmt.providers():
            folder = root / provider / fmt.source_kind
            if folder.exists() and any(folder.glob("/".join((*_LAYOUT, file_name)))):
                out.append(str(folder.joinpath(*_LAYOUT, file_name)))
    return out


def _lines_sql(fmt: SourceFormat, roots: list[Path]) -> str:
    patterns = _patterns(fmt, roots, "*.parquet")
    if not patterns:
        return _typed_empty_select(fmt.columns)
    # Explicit column list: a view that never changes shape whatever months are landed.
    columns = ", ".join(f'"{c}"' for c in fmt.columns)
    files = "[" + ", ".join(_sql_str(p) for p in patterns) + "]"
    return f"select {columns} from read_parquet({files}, union_by_name = true, hive_partitioning = false)"


def view_sql(fmt: SourceFormat, raw_root: Path) -> str:
    """The lines of the current deliveries."""
    return _lines_sql(fmt, [raw_root])


def deliveries_sql(fmt: SourceFormat, raw_root: Path, archive_root: Path) -> str:
    """One row per delivery x billing account x period, current (under `raw_root`) or superseded."""
    patterns = _patterns(fmt, [raw_root, archive_root], "_delivery.json")
    if not patterns:
        return _typed_empty_select(DELIVERY_COLUMNS)
    files = "[" + ", ".join(_sql_str(p) for p in patterns) + "]"
    columns = (
        "{" + ", ".join(f"{_sql_str(c)}: {_sql_str(t)}" for c, t in _DELIVERY_JSON_COLUMNS.items()) + "}"
    )
    return f"""
        select
            delivery_id as _delivery_id,
            provider,
            source_kind,
            billing_account as billing_account_id,
            billing_period,
            row_count,
            replaces_delivery_id,
            nullif(array_to_string(invoice_ids, ','), '') as invoice_ids,
            cast(cast(data_through as timestamptz) as timestamp) as data_through,
            coalesce(manifest ->> 'assemblyId', manifest ->> 'executionId') as manifest_id,
            manifest_path,
            cast(json_array_length(source_files) as bigint) as source_file_count,
            cast(cast(loaded_at as timestamptz) as timestamp) as _loaded_at,
            filename as _source_file
        from read_json({files}, columns = {columns}, format = 'auto', filename = true, hive_partitioning = false)
    """


def refresh_views(db_path: Path, raw_root: Path, archive_root: Path | None = None) -> None:
    archive_root = archive_root or paths.archive_root_for(raw_root)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error as exc:
        raise LandingError(
            f"{db_path}: could not open the DuckDB file to refresh the raw views "
            f"(is dbt or another process using it?): {exc}"
        ) from exc
    try:
        for fmt in registered_formats().values():
            con.execute(f"create schema if not exists {fmt.view_schema}")
            views = {
                fmt.view_name: view_sql(fmt, raw_root),
                f"{fmt.view_name}_all_deliveries": _lines_sql(fmt, [raw_root, archive_root]),
                f"{fmt.source_kind}_deliveries": deliveries_sql(fmt, raw_root, archive_root),
            }
            for name, sql in views.items():
                con.execute(f"create or replace view {fmt.view_schema}.{name} as {sql}")
        # Telemetry (raw_telemetry.*): typed and empty until something lands, like the billing views.
        from ai_finops.ingest.telemetry import refresh_telemetry_views

        refresh_telemetry_views(con, raw_root)
    finally:
        con.close()
