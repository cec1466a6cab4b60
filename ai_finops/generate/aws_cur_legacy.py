"""Write generated CUR 2.0 deliveries again as legacy CUR Parquet with Athena column names.

The legacy Cost and Usage Report (Athena/Parquet integration) has the same ``snake_case`` column names as
CUR 2.0 for the fixed columns, but no map columns: each product attribute is a column ``product_<key>`` and
each cost allocation tag is a column ``resource_tags_<key>`` (``resource_tags_user_team``,
``resource_tags_aws_eks_cluster_name``). This is the form tools built for the legacy CUR read, for example
the FinOps Foundation's ``focus-converter`` (provider ``aws``), which ``make bench`` runs on the same rows as
the project (``scripts/bench.py``).

The rows are copied unchanged: one Parquet file per billing period, read once and written once by DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

__all__ = ["write_athena_legacy_cur"]

# CUR 2.0 columns that the legacy CUR does not have as such: flattened (product, resource_tags) or dropped.
_MAP_COLUMNS = ("product", "resource_tags", "tags", "cost_category", "discount")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_athena_legacy_cur(cur2_export: Path, out_dir: Path, *, threads: int = 2) -> dict:
    """Write each ``BILLING_PERIOD=YYYY-MM`` partition of a CUR 2.0 export as ``<out_dir>/<period>.parquet``.

    Args:
        cur2_export: The export folder, e.g. ``<demo>/aws/cur2/ai-finops-cur2`` (holding ``data/``).
        out_dir: Folder to write to (created; existing ``*.parquet`` files in it are replaced).
        threads: DuckDB threads.

    Returns:
        ``{"files": [...], "rows": int, "columns": int}``.
    """
    partitions = sorted((Path(cur2_export) / "data").glob("BILLING_PERIOD=*"))
    if not partitions:
        raise FileNotFoundError(f"{cur2_export}: no data/BILLING_PERIOD=* partitions")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.parquet"):
        stale.unlink()
    con = duckdb.connect()
    con.execute(f"set threads = {int(threads)}")
    every_file = _literal(str(Path(cur2_export) / "data" / "BILLING_PERIOD=*" / "*.parquet"))
    columns = [row[0] for row in con.execute(f"describe select * from read_parquet({every_file})").fetchall()]
    # The same flattened columns in every file, so the files form one dataset.
    keys = {
        name: [
            row[0]
            for row in con.execute(
                f"select distinct unnest(map_keys({name})) as k from read_parquet({every_file}) order by k"
            ).fetchall()
        ]
        for name in ("product", "resource_tags")
        if name in columns
    }
    taken = set(columns)
    flattened = []
    for name, names in keys.items():
        for key in names:
            column = f"{name}_{key}".lower()
            if column in taken:  # e.g. product.instance_type is already product_instance_type
                continue
            taken.add(column)
            flattened.append(f"{name}[{_literal(key)}] as {_quote(column)}")
    kept = [_quote(c) for c in columns if c not in _MAP_COLUMNS]
    select = ", ".join(kept + flattened)
    files, rows = [], 0
    for partition in partitions:
        period = partition.name.removeprefix("BILLING_PERIOD=")
        source = _literal(str(partition / "*.parquet"))
        target = out_dir / f"{period}.parquet"
        con.execute(
            f"copy (select {select} from read_parquet({source})) to {_literal(str(target))} "
            "(format parquet, compression snappy)"
        )
        rows += con.execute(f"select count(*) from read_parquet({_literal(str(target))})").fetchone()[0]
        files.append(str(target))
    con.close()
    return {"files": files, "rows": rows, "columns": len(kept) + len(flattened)}
