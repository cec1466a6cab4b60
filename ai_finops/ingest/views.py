"""(Re)create the raw views in the DuckDB file over the landing zone, so dbt sources never hold a path."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ai_finops.errors import LandingError
from ai_finops.ingest.aws_cur_schema import CUR_COLUMNS, LINEAGE_COLUMNS

RAW_SCHEMA = "raw_aws"


def _typed_empty_select(columns: dict[str, str]) -> str:
    return "select " + ", ".join(f'cast(null as {t}) as "{c}"' for c, t in columns.items()) + " where false"


def cur_view_sql(raw_root: Path) -> str:
    folder = raw_root / "aws" / "cur"
    files = (
        list(folder.glob("billing_account=*/billing_period=*/delivery=*/*.parquet"))
        if folder.exists()
        else []
    )
    all_columns = {**CUR_COLUMNS, **LINEAGE_COLUMNS}
    if not files:
        return _typed_empty_select(all_columns)
    pattern = str(folder / "billing_account=*" / "billing_period=*" / "delivery=*" / "*.parquet")
    # Explicit column list: a view that never changes shape whatever months are landed.
    columns = ", ".join(f'"{c}"' for c in all_columns)
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
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        con.execute(f"create or replace view {RAW_SCHEMA}.cur_line_items as {cur_view_sql(raw_root)}")
    finally:
        con.close()
