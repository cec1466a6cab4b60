"""Where things live. Everything is overridable by environment variables so tests and benchmarks
can run side by side without touching a user's data."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The repository root (the folder holding dbt_project.yml)."""
    env = os.environ.get("AI_FINOPS_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent.parent
    if (here / "dbt_project.yml").exists():
        return here
    cwd = Path.cwd().resolve()
    for candidate in (cwd, *cwd.parents):
        if (candidate / "dbt_project.yml").exists():
            return candidate
    return cwd


def data_root() -> Path:
    return Path(os.environ.get("AI_FINOPS_DATA_ROOT", project_root() / "data")).resolve()


def raw_root() -> Path:
    env = os.environ.get("AI_FINOPS_RAW_ROOT")
    return Path(env).resolve() if env else data_root() / "raw"


def quarantine_root() -> Path:
    return data_root() / "quarantine"


def archive_root() -> Path:
    """Superseded deliveries, kept for the restatement log."""
    return data_root() / "archive"


def archive_root_for(raw: Path) -> Path:
    """The archive beside a landing zone: the configured one for the default landing zone."""
    return archive_root() if raw == raw_root() else raw.parent / "archive"


def quarantine_root_for(raw: Path) -> Path:
    return quarantine_root() if raw == raw_root() else raw.parent / "quarantine"


def gx_docs_root() -> Path | None:
    """Where Great Expectations Data Docs go (`AI_FINOPS_GX_DOCS`; `off` writes none)."""
    env = os.environ.get("AI_FINOPS_GX_DOCS")
    if env is not None and env.strip().lower() in ("", "off", "none", "0", "false"):
        return None
    return Path(env).resolve() if env else project_root() / "target" / "gx_docs"


def duckdb_path() -> Path:
    env = os.environ.get("AI_FINOPS_DUCKDB_PATH")
    return Path(env).resolve() if env else project_root() / "ai_finops.duckdb"
