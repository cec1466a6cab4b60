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
    """Generate deterministic demo billing exports (AWS CUR 2.0, Azure cost details, GCP billing export) for an AI-heavy organisation."""
    from rich.progress import Progress

    from ai_finops.generate import generate_aws_cur2
    from ai_finops.generate.azure_cost import generate_azure_cost
    from ai_finops.generate.gcp_billing import generate_gcp_billing

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("generating AWS CUR 2.0", total=months)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = generate_aws_cur2(
            out, seed=seed, scale=scale, months=months, last_period=last_period, progress=advance
        )
        gcp_task = progress.add_task("generating GCP billing export", total=months)

        def advance_gcp(done: int, total: int) -> None:
            progress.update(gcp_task, completed=done, total=total)

        gcp_summary = generate_gcp_billing(
            out, seed=seed, scale=scale, months=months, last_period=last_period, progress=advance_gcp
        )
        azure_task = progress.add_task("generating Azure cost details", total=2 * months)

        def advance_azure(done: int, total: int) -> None:
            progress.update(azure_task, completed=done, total=total)

        azure_summary = generate_azure_cost(
            out, seed=seed, scale=scale, months=months, last_period=last_period, progress=advance_azure
        )
    console.print(f"wrote demo exports to [bold]{out}[/] ({summary})")
    console.print(
        f"wrote GCP billing extractions to [bold]{out / 'gcp'}[/] "
        f"({len(gcp_summary['files'])} files; truth in {gcp_summary['truth_file']})"
    )
    console.print(
        f"wrote Azure cost exports to [bold]{out / 'azure'}[/] "
        f"({sum(azure_summary['rows'].values()):,} rows in {len(azure_summary['files']) - 1} files; "
        f"truth in {azure_summary['truth_file']})"
    )


SupersedeOption = Annotated[
    bool,
    typer.Option(
        "--supersede",
        help="Land a billing account x period already landed from another source (e.g. the raw export vs "
        "the native FOCUS export); that delivery moves to the archive.",
    ),
]


def _report_ingest(report) -> None:
    """Print what landed, what it superseded and what was refused; exit 1 when anything was refused."""
    for landed in report.landed:
        verb = "replaced" if landed.replaced else "landed"
        key = landed.key
        console.print(
            f"{verb} {key.provider} {key.source_kind} {key.billing_account} {key.billing_period}: "
            f"{landed.rows:,} rows (delivery {landed.delivery_id})"
        )
        for other in landed.superseded:
            console.print(
                f"  superseded {other.provider} {other.source_kind} {other.billing_account} "
                f"{other.billing_period} (moved to the archive)"
            )
    for warning in getattr(report, "warnings", []):
        err.print(f"[yellow]warning[/] {warning}", highlight=False)
    for refusal in report.refused:
        err.print(f"[bold red]refused[/] {refusal.message}", highlight=False)
        if refusal.quarantined_to:
            err.print(f"  copied to {refusal.quarantined_to}")
    if getattr(report, "data_docs", None):
        console.print(f"data quality report (GX Data Docs): {report.data_docs}")
    if report.refused:
        raise typer.Exit(1)


@ingest_app.command("aws-cur")
def ingest_aws_cur(
    inputs: Annotated[list[Path], typer.Argument(help="CUR files, manifests or export folders.")],
    supersede: SupersedeOption = False,
) -> None:
    """Check and land AWS CUR deliveries (CUR 2.0 or legacy, Parquet or CSV)."""
    from ai_finops.ingest.runner import ingest_aws_cur as run

    try:
        report = run(inputs, supersede=supersede)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    _report_ingest(report)


@ingest_app.command("focus")
def ingest_focus(
    inputs: Annotated[
        list[Path], typer.Argument(help="FOCUS files (CSV, csv.gz, Parquet), manifests or folders.")
    ],
    supersede: SupersedeOption = False,
) -> None:
    """Check and land native FOCUS exports (AWS Data Exports, Azure FocusCost, GCP; FOCUS 1.0 to 1.2)."""
    from ai_finops.ingest.runner import ingest_focus as run

    try:
        report = run(inputs, supersede=supersede)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    _report_ingest(report)


@ingest_app.command("azure-cost")
def ingest_azure_cost(
    inputs: Annotated[
        list[Path], typer.Argument(help="Export files, manifest.json files or export folders.")
    ],
    dataset: Annotated[
        str | None,
        typer.Option(
            help="actual or amortized: only for files whose type neither a manifest nor the name tells."
        ),
    ] = None,
    supersede: SupersedeOption = False,
) -> None:
    """Check and land Azure cost details exports (EA or MCA, actual or amortized, CSV or Parquet)."""
    from ai_finops.ingest.runner import ingest_azure_cost as run

    if dataset is not None and dataset not in ("actual", "amortized"):
        _fail(f"--dataset must be actual or amortized, not {dataset!r}", 2)
    try:
        report = run(inputs, dataset=dataset, supersede=supersede)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    _report_ingest(report)


@ingest_app.command("gcp-billing")
def ingest_gcp_billing(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Extractions of the BigQuery billing export: Parquet, JSON lines or flattened CSV."
        ),
    ],
    supersede: SupersedeOption = False,
    allow_partial_months: Annotated[
        bool,
        typer.Option(
            "--allow-partial-months",
            help="Land an extraction that holds only part of an invoice month as that whole month (with a "
            "warning) instead of refusing it.",
        ),
    ] = False,
) -> None:
    """Check and land GCP billing exports; each billing account x invoice month is replaced whole."""
    from ai_finops.ingest.gcp_billing import ingest as run

    try:
        report = run(inputs, allow_partial_months=allow_partial_months, supersede=supersede)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    _report_ingest(report)


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
            column,
            justify="right" if column in ("rows", "BilledCost", "EffectiveCost") else "left",
            no_wrap=True,
        )
    for provider, account, period, currency, count, billed, effective in rows:
        table.add_row(
            provider, account, period, currency, f"{count:,}", f"{billed:,.2f}", f"{effective:,.2f}"
        )
    Console(width=max(console.width, 120)).print(table)
    console.print(f"database: [bold]{db_path}[/]")
    console.print(
        "next: `duckdb " + str(db_path) + ' -c "select * from main_marts.focus_cost_and_usage limit 10"`, '
        "`ai-finops export focus --out target/focus.parquet`, or `make test`."
    )


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
