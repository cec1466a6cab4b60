"""Run dbt in-process with the project's own profile (the CLI and the tests share this)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ai_finops import paths


def dbt_environment() -> None:
    """dbt resolves the DuckDB path from the environment: make it absolute before dbt starts."""
    os.environ["AI_FINOPS_DUCKDB_PATH"] = str(paths.duckdb_path())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def dbt_args(args: Sequence[str]) -> list[str]:
    root = str(paths.project_root())
    extra = list(args)
    if "--project-dir" not in extra:
        extra += ["--project-dir", root]
    if "--profiles-dir" not in extra:
        extra += ["--profiles-dir", root]
    return extra


def run_dbt(args: Sequence[str]):
    """Invoke dbt once; returns dbt's result object (`.success`, `.result`, `.exception`)."""
    from dbt.cli.main import dbtRunner

    dbt_environment()
    return dbtRunner().invoke(dbt_args(args))
