"""Shared fixtures: isolated landing zones and DuckDB files, and one in-process dbt runner per session.

dbt is not safe to run twice at once in one process, and a CLI call costs ~2.3 s against ~0.2 s
in-process, so every test that builds the project goes through the `dbt` fixture.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
AWS_FIXTURES = FIXTURES / "aws"
AZURE_FIXTURES = FIXTURES / "azure"


@dataclass
class World:
    """One isolated installation: its own data root (landing zone, quarantine, archive) and database.

    GX Data Docs are off unless `gx_docs` names a folder (rendering them costs ~0.5 s per ingest).
    """

    root: Path
    gx_docs: Path | None = None

    @property
    def data_root(self) -> Path:
        return self.root / "data"

    @property
    def raw_root(self) -> Path:
        return self.data_root / "raw"

    @property
    def db_path(self) -> Path:
        return self.root / "ai_finops.duckdb"

    @contextmanager
    def active(self) -> Iterator[None]:
        """Point the package (and dbt's profile) at this world for the duration of the block."""
        saved = {
            k: os.environ.get(k)
            for k in (
                "AI_FINOPS_DATA_ROOT",
                "AI_FINOPS_DUCKDB_PATH",
                "AI_FINOPS_RAW_ROOT",
                "AI_FINOPS_GX_DOCS",
            )
        }
        os.environ["AI_FINOPS_DATA_ROOT"] = str(self.data_root)
        os.environ["AI_FINOPS_DUCKDB_PATH"] = str(self.db_path)
        os.environ["AI_FINOPS_GX_DOCS"] = str(self.gx_docs) if self.gx_docs else "off"
        os.environ.pop("AI_FINOPS_RAW_ROOT", None)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            con.execute("set TimeZone = 'UTC'")
            return con.execute(sql, params or []).fetchall()

    def landing_snapshot(self) -> dict[str, str]:
        """Every file in the landing zone with its content hash: 'nothing landed changed' is equality."""
        from ai_finops.landing import sha256_of

        if not self.raw_root.exists():
            return {}
        return {
            str(p.relative_to(self.raw_root)): sha256_of(p)
            for p in sorted(self.raw_root.rglob("*"))
            if p.is_file() and ".staging" not in p.parts
        }


class DbtSession:
    """One dbtRunner for the whole test session."""

    def __init__(self) -> None:
        from dbt.cli.main import dbtRunner

        self._runner = dbtRunner()

    def __call__(self, world: World, *args: str):
        from ai_finops.dbt_runner import dbt_args

        with world.active():
            try:
                result = self._runner.invoke(dbt_args(list(args)))
            finally:
                self._release_database()
        return result

    @staticmethod
    def _release_database() -> None:
        """dbt-duckdb keeps its database open for the life of the process; the tests open it next."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()


@pytest.fixture(scope="session")
def dbt() -> DbtSession:
    return DbtSession()


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def failed_nodes(result) -> list[str]:
    """Names and messages of dbt nodes that did not pass, for assertion messages."""
    out = []
    for node_result in getattr(result, "result", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower() not in ("pass", "success"):
            out.append(f"{node_result.node.name}: {status} {node_result.message or ''}")
    return out


def load_truth(demo_root: Path) -> dict:
    return json.loads((demo_root / "truth" / "aws_cur2.json").read_text())
