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
extract_app = typer.Typer(no_args_is_help=True, help="Read telemetry stores (MLflow) into the landing zone.")
app.add_typer(extract_app, name="extract")

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
    telemetry_days: Annotated[
        int, typer.Option(help="UTC days of Kubernetes GPU telemetry (kube-state-metrics, DCGM) to write.")
    ] = 3,
    mlflow_store: Annotated[
        bool,
        typer.Option(help="Also build the SQLite MLflow tracking store (<out>/mlflow/mlflow.db, ~10 s)."),
    ] = True,
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
    from ai_finops.generate.k8s_telemetry import generate_k8s_telemetry

    k8s_summary = generate_k8s_telemetry(
        out, seed=seed, scale=scale, months=months, last_period=last_period, days=telemetry_days
    )
    console.print(
        f"wrote Kubernetes GPU telemetry to [bold]{out / 'telemetry' / 'prometheus'}[/] "
        f"({k8s_summary['nodes']} nodes, {k8s_summary['pods']} pods in {len(k8s_summary['files'])} files; "
        f"truth in {k8s_summary['truth_file']})"
    )
    from ai_finops.generate.managed_ml import generate_managed_ml

    ml_summary = generate_managed_ml(out, seed=seed, build_store=mlflow_store)
    console.print(
        f"wrote managed-ML telemetry to [bold]{out / 'managed_ml'}[/] ({ml_summary['workloads']} jobs and "
        f"endpoints in {len(ml_summary['files'])} files; truth in {ml_summary['truth_file']})"
    )
    if ml_summary["tracking_uri"]:
        console.print(
            f"wrote an MLflow tracking store ({ml_summary['runs']} runs): {ml_summary['tracking_uri']}"
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


@ingest_app.command("prometheus")
def ingest_prometheus(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Prometheus /api/v1/query_range JSON files (resultType matrix) or timestamped OpenMetrics text "
            "(.txt, .prom, .om) of kube-state-metrics and dcgm-exporter, or folders of them."
        ),
    ],
    cluster: Annotated[
        str | None,
        typer.Option(help="Cluster of series that carry no `cluster` label and no cluster=<name> folder."),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(help="aws, azure or gcp, for DCGM series of a cluster without kube-state-metrics."),
    ] = None,
) -> None:
    """Land Kubernetes GPU telemetry (kube-state-metrics, DCGM exporter) by cluster x UTC day, hourly."""
    from ai_finops.ingest.prometheus import ingest_prometheus as run

    try:
        report = run(inputs, cluster=cluster, provider=provider)
    except LandingError as exc:
        _fail(str(exc))
        return
    for landed in report.landed:
        verb = "replaced" if landed.replaced else "landed"
        key = ", ".join(f"{k}={v}" for k, v in landed.key.key)
        console.print(
            f"{verb} {landed.key.folder} {key}: {landed.rows:,} rows (delivery {landed.delivery_id})"
        )
    if report.facts.get("samples"):
        console.print(
            f"read {report.facts['samples']:,} samples from {report.facts['files']:,} files "
            f"({report.facts['slots_after_dedup']:,} after de-duplication), landed hourly"
        )
    for warning in report.warnings:
        err.print(f"[yellow]warning[/] {warning}", highlight=False)
    if report.refused:
        err.print(f"[bold red]refused[/] {report.refused}", highlight=False)
        if report.quarantined_to:
            err.print(f"  copied to {report.quarantined_to}")
        err.print("nothing of this ingest landed")
        raise typer.Exit(1)


@ingest_app.command("managed-ml")
def ingest_managed_ml(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="JSON files or folders: SageMaker DescribeTrainingJob, CloudWatch GetMetricData, Vertex AI "
            "CustomJob, Cloud Monitoring timeSeries, Azure ML jobs, Azure Monitor metrics (told apart by shape)."
        ),
    ],
) -> None:
    """Check and land SageMaker, Vertex AI and Azure ML telemetry (jobs, endpoint metrics by the hour)."""
    from ai_finops.ingest.managed_ml import ingest as run

    try:
        report = run(inputs)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    for landed in report.landed:
        verb = "replaced" if landed.replaced else "landed"
        key = ", ".join(f"{k}={v}" for k, v in landed.key.key)
        console.print(
            f"{verb} {landed.key.folder} {key}: {landed.rows:,} rows (delivery {landed.delivery_id})"
        )
    for _file, message, folder in report.refused:
        err.print(f"[bold red]refused[/] {message}", highlight=False)
        if folder:
            err.print(f"  copied to {folder}")
    if report.refused:
        err.print("nothing of this ingest landed")
        raise typer.Exit(1)


@extract_app.command("mlflow")
def extract_mlflow(
    tracking_uri: Annotated[
        str, typer.Option(help="MLflow tracking URI (sqlite:///mlflow.db, postgresql://…, http://host:5000).")
    ],
) -> None:
    """Snapshot an MLflow tracking store (experiments, runs, params, tags, GPU system metrics) into the landing zone."""
    from ai_finops.ingest.mlflow_extract import extract

    try:
        report = extract(tracking_uri)
    except (IngestError, LandingError) as exc:
        _fail(str(exc))
        return
    for landed in report.landed:
        verb = "replaced" if landed.replaced else "landed"
        console.print(
            f"{verb} mlflow tracking_store={report.tracking_store}: {report.experiments:,} experiments, "
            f"{report.runs:,} runs (delivery {landed.delivery_id})"
        )


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
    _print_gpu_attribution(db_path)
    console.print(f"database: [bold]{db_path}[/]")
    console.print(
        "next: `duckdb " + str(db_path) + ' -c "select * from main_marts.focus_cost_and_usage limit 10"`, '
        "`ai-finops export focus --out target/focus.parquet`, or `make test`."
    )


def _print_gpu_attribution(db_path: Path) -> None:
    from ai_finops.marts import gpu_attribution_summary

    rows = gpu_attribution_summary(db_path)
    if not rows:
        return
    table = Table(title="GPU cost by attribution (fct_gpu_utilization_by_workload, EffectiveCost)")
    for column in (
        "provider",
        "currency",
        "attributed",
        "idle",
        "unallocated",
        "total",
        "GPU-h allocated",
        "GPU-h used",
    ):
        table.add_column(
            column, justify="left" if column in ("provider", "currency") else "right", no_wrap=True
        )

    def share(part, total) -> str:
        return f"{part:,.2f} ({100 * part / total:.1f}%)" if total else f"{part:,.2f}"

    for provider, currency, attributed, idle, unallocated, total, allocated, used in rows:
        table.add_row(
            provider,
            currency,
            share(attributed, total),
            share(idle, total),
            share(unallocated, total),
            f"{total:,.2f}",
            f"{allocated or 0:,.1f}",
            f"{used or 0:,.1f}",
        )
    Console(width=max(console.width, 150)).print(table)


def main() -> None:  # pragma: no cover - console script entry
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
