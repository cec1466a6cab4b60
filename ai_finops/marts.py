"""Read the built marts: the summary `make demo` prints and the FOCUS export."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ai_finops.errors import LandingError

FOCUS_RELATION = "main_marts.focus_cost_and_usage"


def connect_read_only(db_path: Path) -> duckdb.DuckDBPyConnection:
    if not db_path.exists():
        raise LandingError(f"{db_path}: no database yet; run `ai-finops build` (or `make demo`) first")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as exc:
        raise LandingError(f"{db_path}: could not open the database read-only ({exc})") from exc
    con.execute("set TimeZone = 'UTC'")
    return con


def billing_summary(db_path: Path) -> list[tuple]:
    """Rows and totals per provider x billing account x billing period x currency."""
    with connect_read_only(db_path) as con:
        return con.execute(
            f"""
            select
                x_source_provider,
                BillingAccountId,
                x_billing_period,
                BillingCurrency,
                count(*),
                sum(BilledCost),
                sum(EffectiveCost)
            from {FOCUS_RELATION}
            group by all
            order by all
            """
        ).fetchall()


GPU_ATTRIBUTION_RELATION = "main_marts.fct_gpu_utilization_by_workload"


def gpu_attribution_summary(db_path: Path) -> list[tuple]:
    """GPU cost per provider x currency: Σ EffectiveCost attributed to workloads, idle and unallocated, and
    the GPU-hours allocated and used. Empty when the attribution marts are not built."""
    with connect_read_only(db_path) as con:
        exists = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'main_marts' and table_name = 'fct_gpu_utilization_by_workload'"
        ).fetchone()[0]
        if not exists:
            return []
        return con.execute(
            f"""
            select
                provider,
                billing_currency,
                sum(case when cost_class not in ('idle', 'unallocated') then effective_cost else 0 end),
                sum(case when cost_class = 'idle' then effective_cost else 0 end),
                sum(case when cost_class = 'unallocated' then effective_cost else 0 end),
                sum(effective_cost),
                sum(gpu_hours_allocated),
                sum(gpu_hours_used)
            from {GPU_ATTRIBUTION_RELATION}
            group by all
            order by all
            """
        ).fetchall()


def export_focus(db_path: Path, out: Path, fmt: str = "parquet") -> int:
    """Write the FOCUS dataset; timestamps are written as UTC instants. Returns the row count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with connect_read_only(db_path) as con:
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main_marts' and table_name = 'focus_cost_and_usage' order by ordinal_position"
        ).fetchall()
        select = ", ".join(
            f'cast("{name}" as timestamptz) as "{name}"' if data_type.startswith("TIMESTAMP") else f'"{name}"'
            for name, data_type in columns
        )
        options = "format parquet, compression zstd" if fmt == "parquet" else "format csv, header true"
        con.execute(f"copy (select {select} from {FOCUS_RELATION}) to '{out}' ({options})")
        return con.execute(f"select count(*) from {FOCUS_RELATION}").fetchone()[0]
