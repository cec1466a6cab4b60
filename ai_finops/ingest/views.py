"""(Re)create the raw views in the DuckDB file over the landing zone, so dbt sources never hold a path.

One view per registered format: `<view_schema>.<view_name>` over the current delivery of every billing
account x period of that provider and source kind; a typed empty view when nothing has landed yet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ai_finops.errors import LandingError
from ai_finops.ingest.formats import SourceFormat, registered_formats


def _typed_empty_select(columns: dict[str, str]) -> str:
    return "select " + ", ".join(f'cast(null as {t}) as "{c}"' for c, t in columns.items()) + " where false"


def view_sql(fmt: SourceFormat, raw_root: Path) -> str:
    folder = raw_root / fmt.provider / fmt.source_kind
    layout = ("billing_account=*", "billing_period=*", "delivery=*", "*.parquet")
    if not folder.exists() or not any(folder.glob("/".join(layout))):
        return _typed_empty_select(fmt.columns)
    pattern = str(folder.joinpath(*layout))
    # Explicit column list: a view that never changes shape whatever months are landed.
    columns = ", ".join(f'"{c}"' for c in fmt.columns)
    return f"select {columns} from read_parquet('{pattern}', union_by_name = true, hive_partitioning = false)"


def refresh_views(db_path: Path, raw_root: Path) -> None:
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
            con.execute(
                f"create or replace view {fmt.view_schema}.{fmt.view_name} as {view_sql(fmt, raw_root)}"
            )
    finally:
        con.close()
