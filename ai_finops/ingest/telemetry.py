"""The telemetry landing zone: tables of ML telemetry, pre-aggregated to the hour, landed like billing.

    <raw_root>/telemetry/<folder>/<key>=<value>/.../delivery=<id>/<table>.parquet

A telemetry table names its folder and its replacement key (e.g. SageMaker training jobs: account x UTC day;
MLflow: the tracking store). One ingest writes every key it holds to a temporary folder, then swaps each in
with `landing.swap_in` (the previous delivery of a key moves to the archive); if anything fails first,
nothing in the landing zone changes. Every landed row carries `_delivery_id`, `_source_file` and
`_loaded_at`. The raw views (`raw_telemetry.<view>`) are (re)created with the billing views
(`views.refresh_views`), typed and empty while nothing has landed, so `dbt build` works on an empty zone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ai_finops import paths
from ai_finops.landing import (
    StagedDelivery,
    folder_safe,
    new_delivery_id,
    staging_area,
    swap_in,
    utc_now,
    write_delivery_json,
)

VIEW_SCHEMA = "raw_telemetry"
LINEAGE_COLUMNS = {"_delivery_id": "VARCHAR", "_source_file": "VARCHAR", "_loaded_at": "TIMESTAMP"}

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


@dataclass(frozen=True)
class TelemetryTable:
    """One landed telemetry table and the raw view over it."""

    folder: str  # path under <raw_root>/telemetry, e.g. "sagemaker/training_jobs"
    key_names: tuple[str, ...]  # the replacement key's folder names, e.g. ("account", "day")
    file_name: str  # the Parquet file in each delivery folder
    view_name: str  # raw_telemetry.<view_name>
    columns: dict[str, str]  # landed columns and DuckDB types, lineage columns excluded

    @property
    def all_columns(self) -> dict[str, str]:
        return {**self.columns, **LINEAGE_COLUMNS}

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in self.all_columns.items()])


@dataclass(frozen=True)
class TelemetryKey:
    """The replacement unit of a telemetry table (duck-types `landing.LandingKey` for `swap_in`)."""

    folder: str
    key: tuple[tuple[str, str], ...]  # ((name, value), ...)

    @property
    def billing_account(self) -> str:  # swap_in names duplicate keys with these two
        return self.folder

    @property
    def billing_period(self) -> str:
        return "/".join(f"{k}={v}" for k, v in self.key)

    def period_dir(self, root: Path) -> Path:
        folder = root / "telemetry" / self.folder
        for name, value in self.key:
            folder = folder / f"{name}={folder_safe(value)}"
        return folder


@dataclass
class LandedTelemetry:
    key: TelemetryKey
    delivery_id: str
    rows: int
    folder: Path
    replaced: bool


_REGISTRY: dict[str, TelemetryTable] = {}
_PROVIDERS: list[Callable[[], list[TelemetryTable]]] = []


def register(*tables: TelemetryTable) -> None:
    for table in tables:
        _REGISTRY[table.view_name] = table


def telemetry_tables() -> dict[str, TelemetryTable]:
    """Every registered telemetry table, by view name (importing the modules that define them)."""
    from ai_finops.ingest import managed_ml, mlflow_extract, prometheus_schema  # noqa: F401  (they register their tables)

    return dict(_REGISTRY)


def land(
    table: TelemetryTable,
    rows_by_key: dict[tuple[str, ...], list[dict]],
    source_files: dict[tuple[str, ...], list[str]],
    raw_root: Path | None = None,
    archive_root: Path | None = None,
    loaded_at: datetime | None = None,
    extra_metadata: dict | None = None,
) -> list[LandedTelemetry]:
    """Write each key's rows as one delivery and swap them all in at once (all or nothing)."""
    return land_together(
        [(table, rows_by_key)], source_files, raw_root, archive_root, loaded_at, extra_metadata
    )


def land_together(
    tables: list[tuple[TelemetryTable, dict[tuple[str, ...], list[dict]]]],
    source_files: dict[tuple[str, ...], list[str]],
    raw_root: Path | None = None,
    archive_root: Path | None = None,
    loaded_at: datetime | None = None,
    extra_metadata: dict | None = None,
) -> list[LandedTelemetry]:
    """Land tables that share one folder and key (MLflow: experiments and runs of one tracking store) as one
    delivery per key, each table one Parquet file in it (empty when the key has no rows for it)."""
    folders = {(table.folder, table.key_names) for table, _ in tables}
    if len(folders) != 1:
        raise ValueError(f"tables landed together must share folder and key: {sorted(folders)}")
    folder_name, key_names = folders.pop()
    raw_root = raw_root or paths.raw_root()
    archive_root = archive_root or paths.archive_root_for(raw_root)
    loaded_at = loaded_at or utc_now()
    stamp = loaded_at.replace(tzinfo=None)
    keys = sorted({key for _, rows_by_key in tables for key in rows_by_key})
    staged: list[StagedDelivery] = []
    replaced: dict[TelemetryKey, bool] = {}
    for key_values in keys:
        key = TelemetryKey(folder_name, tuple(zip(key_names, key_values, strict=True)))
        files = sorted(set(source_files.get(key_values, [])))
        names = [table.view_name for table, _ in tables]
        delivery_id = new_delivery_id(loaded_at, [*names, *key_values, *files])
        folder = staging_area(raw_root)
        lineage = {"_delivery_id": delivery_id, "_loaded_at": stamp}
        counts = {}
        for table, rows_by_key in tables:
            schema = table.arrow_schema()
            rows = rows_by_key.get(key_values, [])
            records = [{**row, **lineage, "_source_file": row.get("_source_file")} for row in rows]
            arrays = {name: [rec.get(name) for rec in records] for name in schema.names}
            pq.write_table(pa.table(arrays, schema=schema), folder / table.file_name)
            counts[table.view_name] = len(rows)
        metadata = {
            "delivery_id": delivery_id,
            "provider": "telemetry",
            "source_kind": folder_name,
            "key": dict(key.key),
            "loaded_at": loaded_at.isoformat(),
            "row_count": sum(counts.values()),
            "row_counts": counts,
            "source_files": files,
            **(extra_metadata or {}),
        }
        current = key.period_dir(raw_root)
        replaced[key] = current.is_dir() and any(current.glob("delivery=*"))
        item = StagedDelivery(key=key, delivery_id=delivery_id, folder=folder, metadata=metadata)  # type: ignore[arg-type]
        write_delivery_json(item)
        staged.append(item)
    placed = swap_in(staged, raw_root, archive_root)  # type: ignore[arg-type]
    return [
        LandedTelemetry(item.key, item.delivery_id, item.metadata["row_count"], target, replaced[item.key])  # type: ignore[arg-type]
        for item, target in zip(staged, placed, strict=True)
    ]


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def view_sql(table: TelemetryTable, raw_root: Path) -> str:
    """The rows of every current delivery of the table; typed and empty when nothing has landed."""
    folder = raw_root / "telemetry" / table.folder
    pattern = folder.joinpath(*(f"{k}=*" for k in table.key_names), "delivery=*", table.file_name)
    columns = table.all_columns
    if not folder.exists() or not any(folder.glob(str(pattern.relative_to(folder)))):
        return (
            "select " + ", ".join(f'cast(null as {t}) as "{c}"' for c, t in columns.items()) + " where false"
        )
    select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns.items())
    return (
        f"select {select} from read_parquet({_sql_str(str(pattern))}, union_by_name = true, "
        "hive_partitioning = false)"
    )


def refresh_telemetry_views(con: duckdb.DuckDBPyConnection, raw_root: Path) -> None:
    con.execute(f"create schema if not exists {VIEW_SCHEMA}")
    for table in telemetry_tables().values():
        con.execute(f"create or replace view {VIEW_SCHEMA}.{table.view_name} as {view_sql(table, raw_root)}")


def refresh(db_path: Path | None = None, raw_root: Path | None = None) -> None:
    """(Re)create every raw view (billing and telemetry) after a telemetry landing."""
    from ai_finops.ingest.views import refresh_views

    refresh_views(db_path or paths.duckdb_path(), raw_root or paths.raw_root())


def json_text(value) -> str | None:
    """A JSON object or list as compact text with sorted keys (stable across runs); None stays None."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass
class Collected:
    """Rows of one table grouped by replacement key, with the files each key came from."""

    rows: dict[tuple[str, ...], list[dict]] = field(default_factory=dict)
    files: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def add(self, key: tuple[str, ...], row: dict, source_file: str) -> None:
        self.rows.setdefault(key, []).append({**row, "_source_file": source_file})
        self.files.setdefault(key, []).append(source_file)
