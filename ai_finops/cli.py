"""`ai-finops`: generate demo data, ingest billing exports, build the dbt project, export FOCUS.

The CLI only wires arguments to the modules that do the work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ai_finops import paths
from ai_finops.errors import IngestError, LandingError

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
ingest_app = typer.Typer(no_args_is_help=True, help="Land billing exports in the landing zone.")
export_app = typer.Typer(no_args_is_help=True, help="Write published datasets to files.")
app.add_typer(ingest_app, name="ingest")
app.add_typer(export_app, name="export")

console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the demo exports to.")] = Path("data/demo"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 42,
    scale: Annotated[float, typer.Option(help="1.0 is about 10,000 CUR rows a month.")] = 1.0,
    months: Annotated[int, typer.Option(help="How many billing periods.")] = 3,
    last_period: Annotated[str, typer.Option(help="Last billing period, YYYY-MM.")] = "2026-10",
) -> None:
    """Generate deterministic AWS CUR 2.0 demo exports for an AI-heavy organisation."""
    from rich.progress import Progress

    from ai_finops.generate import generate_aws_cur2

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("generating AWS CUR 2.0", total=months)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = generate_aws_cur2(
            out, seed=seed, scale=scale, months=months, last_period=last_period, progress=advance
        )
    console.print(f"wrote demo exports to [bold]{out}[/] ({summary})")


@ingest_app.command("aws-cur")
def ingest_aws_cur(
    inputs: Annotated[list[Path], typer.Argument(help="CUR files, manifests or export folders.")],
) -> None:
    """Check and land AWS CUR deliveries (CUR 2.0 or legacy, Parquet or CSV)."""
    from ai_finops.ingest.runner import ingest_aws_cur as run

    try:
        report = run(inputs)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    for landed in report.landed:
        verb = "replaced" if landed.replaced else "landed"
        console.print(
            f"{verb} aws cur {landed.key.billing_account} {landed.key.billing_period}: "
            f"{landed.rows:,} rows (delivery {landed.delivery_id})"
        )
    for refusal in report.refused:
        err.print(f"[bold red]refused[/] {refusal.message}")
        if refusal.quarantined_to:
            err.print(f"  copied to {refusal.quarantined_to}")
    if report.refused:
        raise typer.Exit(1)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(ctx: typer.Context) -> None:
    """Run `dbt build` with the project's profile; extra arguments go to dbt (e.g. --select, --target)."""
    from ai_finops.dbt_runner import run_dbt

    result = run_dbt(["build", *ctx.args])
    if not result.success:
        _fail("dbt build failed (see the output above)")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def freshness(ctx: typer.Context) -> None:
    """Run `dbt source freshness` on the landed sources (uses the `_loaded_at` stamped at ingest)."""
    from ai_finops.dbt_runner import run_dbt

    result = run_dbt(["source", "freshness", *ctx.args])
    if not result.success:
        _fail("dbt source freshness reported stale or failing sources")


@export_app.command("focus")
def export_focus(
    out: Annotated[Path, typer.Option(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv")] = "parquet",
) -> None:
    """Write the FOCUS 1.2 Cost and Usage dataset."""
    from ai_finops.marts import export_focus as run

    if fmt not in ("parquet", "csv"):
        _fail(f"--format must be parquet or csv, not {fmt!r}", 2)
    try:
        rows = run(paths.duckdb_path(), out, fmt)
    except LandingError as exc:
        _fail(str(exc))
    console.print(f"wrote {rows:,} FOCUS rows to {out}")


@app.command()
def summary() -> None:
    """Rows and totals per provider and billing period in the built FOCUS dataset."""
    from ai_finops.marts import billing_summary

    db_path = paths.duckdb_path()
    try:
        rows = billing_summary(db_path)
    except LandingError as exc:
        _fail(str(exc))
        return
    table = Table(title="focus_cost_and_usage")
    for column in (
        "provider",
        "billing account",
        "period",
        "currency",
        "rows",
        "BilledCost",
        "EffectiveCost",
    ):
        table.add_column(
            column, justify="right" if column in ("rows", "BilledCost", "EffectiveCost") else "left"
        )
    for provider, account, period, currency, count, billed, effective in rows:
        table.add_row(
            provider, account, period, currency, f"{count:,}", f"{billed:,.2f}", f"{effective:,.2f}"
        )
    console.print(table)
    console.print(f"database: [bold]{db_path}[/]")
    console.print(
        "next: `duckdb " + str(db_path) + ' -c "select * from main_marts.focus_cost_and_usage limit 10"`, '
        "`ai-finops export focus --out target/focus.parquet`, or `make test`."
    )


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
