"""Run the named pipeline (`test`, `demo`) stage by stage and print a timing table per stage.

Each stage is a shell command run from the repository root. The first failing stage stops the run; the
table still shows every stage that ran. Used by `make test` and `make demo`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TEST_DIR = ROOT / "target" / "test"

# The tests build into their own folder so a user's demo database is never touched.
TEST_ENV = {
    "AI_FINOPS_DATA_ROOT": str(TEST_DIR / "data"),
    "AI_FINOPS_DUCKDB_PATH": str(TEST_DIR / "ai_finops.duckdb"),
}
# `make demo` builds a world of its own, from scratch each time, so it never touches a user's ./data.
DEMO_DIR = ROOT / "demo"
DEMO_ENV = {
    "AI_FINOPS_DATA_ROOT": str(DEMO_DIR / "data"),
    "AI_FINOPS_DUCKDB_PATH": str(DEMO_DIR / "ai_finops.duckdb"),
}
DEMO_MONTHS = os.environ.get("AI_FINOPS_DEMO_MONTHS", "13")
DEMO_SCALE = os.environ.get("AI_FINOPS_DEMO_SCALE", "1.0")
TEST_SCALE = os.environ.get("AI_FINOPS_TEST_SCALE", "0.1")

PIPELINES: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "demo": [
        (
            "generate",
            f"rm -rf {DEMO_DIR} && {BIN}/ai-finops generate --out {DEMO_DIR}/data/demo --months {DEMO_MONTHS} --scale {DEMO_SCALE}",
            DEMO_ENV,
        ),
        (
            "ingest earlier deliveries",
            f"{BIN}/ai-finops ingest aws-cur {DEMO_DIR}/data/demo/aws/cur2-earlier",
            DEMO_ENV,
        ),
        (
            "ingest final deliveries",
            f"{BIN}/ai-finops ingest aws-cur {DEMO_DIR}/data/demo/aws/cur2",
            DEMO_ENV,
        ),
        (
            "ingest Azure cost exports",
            f"{BIN}/ai-finops ingest azure-cost {DEMO_DIR}/data/demo/azure/exports",
            DEMO_ENV,
        ),
        (
            "ingest GCP billing extractions",
            f"{BIN}/ai-finops ingest gcp-billing {DEMO_DIR}/data/demo/gcp/billing_export_earlier "
            f"&& {BIN}/ai-finops ingest gcp-billing {DEMO_DIR}/data/demo/gcp/billing_export",
            DEMO_ENV,
        ),
        # Native FOCUS exports (synthetic AWS 1.0 / 1.2, Azure FocusCost, GCP; accounts of their own).
        (
            "ingest native FOCUS exports",
            f"{BIN}/ai-finops ingest focus tests/fixtures/focus/synthetic",
            DEMO_ENV,
        ),
        (
            "ingest Kubernetes GPU telemetry",
            f"{BIN}/ai-finops ingest prometheus {DEMO_DIR}/data/demo/telemetry/prometheus",
            DEMO_ENV,
        ),
        (
            "ingest managed-ML telemetry",
            f"{BIN}/ai-finops ingest managed-ml {DEMO_DIR}/data/demo/managed_ml",
            DEMO_ENV,
        ),
        (
            "extract MLflow",
            f"{BIN}/ai-finops extract mlflow --tracking-uri sqlite:///{DEMO_DIR}/data/demo/mlflow/mlflow.db",
            DEMO_ENV,
        ),
        ("dbt build", f"{BIN}/ai-finops build", DEMO_ENV),
        ("summary", f"{BIN}/ai-finops summary", DEMO_ENV),
    ],
    "test": [
        ("ruff", f"{BIN}/ruff check . && {BIN}/ruff format --check .", {}),
        ("focus validator venv", "bash scripts/setup_focus_validator.sh", {}),
        ("dbt parse", f"{BIN}/python scripts/check_dbt_parse.py", TEST_ENV),
        (
            "sqlfluff",
            f"mkdir -p {ROOT}/target/sqlfluff && {BIN}/sqlfluff lint models tests/dbt --disable-progress-bar",
            # The dbt templater opens the database: give it a scratch one.
            {"AI_FINOPS_DUCKDB_PATH": str(ROOT / "target" / "sqlfluff" / "lint.duckdb")},
        ),
        (
            "generate test data",
            f"rm -rf {TEST_DIR} && {BIN}/ai-finops generate --out {TEST_DIR}/data/demo --months 3 --scale {TEST_SCALE}",
            TEST_ENV,
        ),
        (
            "ingest test data",
            f"{BIN}/ai-finops ingest aws-cur {TEST_DIR}/data/demo/aws/cur2-earlier "
            f"&& {BIN}/ai-finops ingest aws-cur {TEST_DIR}/data/demo/aws/cur2",
            TEST_ENV,
        ),
        (
            "ingest GCP test data",
            f"{BIN}/ai-finops ingest gcp-billing {TEST_DIR}/data/demo/gcp/billing_export_earlier "
            f"&& {BIN}/ai-finops ingest gcp-billing {TEST_DIR}/data/demo/gcp/billing_export",
            TEST_ENV,
        ),
        (
            "ingest Azure test exports",
            f"{BIN}/ai-finops ingest azure-cost {TEST_DIR}/data/demo/azure/exports",
            TEST_ENV,
        ),
        (
            "ingest native FOCUS exports",
            f"{BIN}/ai-finops ingest focus tests/fixtures/focus/synthetic",
            TEST_ENV,
        ),
        (
            "ingest Kubernetes GPU telemetry",
            f"{BIN}/ai-finops ingest prometheus {TEST_DIR}/data/demo/telemetry/prometheus",
            TEST_ENV,
        ),
        (
            "ingest managed-ML telemetry",
            f"{BIN}/ai-finops ingest managed-ml {TEST_DIR}/data/demo/managed_ml",
            TEST_ENV,
        ),
        (
            "extract MLflow",
            f"{BIN}/ai-finops extract mlflow --tracking-uri sqlite:///{TEST_DIR}/data/demo/mlflow/mlflow.db",
            TEST_ENV,
        ),
        ("dbt build", f"{BIN}/ai-finops build", TEST_ENV),
        # BigQuery without BigQuery: offline compile (plain and incremental) parsed by ZetaSQL, then a full build
        # on crucible-emulator from this world's landed data, totals compared with the DuckDB build above.
        ("BigQuery compile + zetasql", f"{BIN}/python scripts/bigquery_offline_check.py", {}),
        ("BigQuery emulator build", f"{BIN}/python scripts/bigquery_emulator_build.py", TEST_ENV),
        ("dbt source freshness", f"{BIN}/ai-finops freshness", TEST_ENV),
        (
            "export + FOCUS validator gate",
            f"{BIN}/ai-finops export focus --out {TEST_DIR}/focus_cost_and_usage.parquet "
            f"&& {BIN}/python -m ai_finops.focus_gate {TEST_DIR}/focus_cost_and_usage.parquet "
            "--allowlist validation/focus_validator_allowlist_1_2.yml",
            TEST_ENV,
        ),
        # `make bench` at ~20k rows: ingest, the FOCUS path and the one-statement floor (writes target/bench/).
        ("bench smoke", f"{BIN}/python scripts/bench.py --smoke", {}),
        # The end-to-end tests read the world built above (read-only) instead of building their own.
        ("pytest", f"{BIN}/pytest -q -p no:cacheprovider", {"AI_FINOPS_TEST_PIPELINE_WORLD": str(TEST_DIR)}),
    ],
}


def main(name: str) -> int:
    console = Console()
    timings: list[tuple[str, float, str]] = []
    status = 0
    for stage, command, extra_env in PIPELINES[name]:
        console.rule(f"[bold]{name}: {stage}")
        env = {**os.environ, **extra_env, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
        started = time.perf_counter()
        code = subprocess.call(command, shell=True, cwd=ROOT, env=env)
        elapsed = time.perf_counter() - started
        timings.append((stage, elapsed, "ok" if code == 0 else f"FAILED ({code})"))
        if code != 0:
            status = code
            break
    table = Table(title=f"make {name}: time per stage")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("result")
    for stage, elapsed, result in timings:
        table.add_row(stage, f"{elapsed:.1f}", result)
    table.add_row("total", f"{sum(t for _, t, _ in timings):.1f}", "ok" if status == 0 else "FAILED")
    console.print(table)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
