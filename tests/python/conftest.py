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

        if getattr(world, "read_only", False) and (not args or args[0] not in READ_ONLY_DBT_COMMANDS):
            raise AssertionError(f"dbt {' '.join(args)} would change the shared read-only world {world.root}")
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


# -- one complete, built world per session -----------------------------------------------------------------

PIPELINE_WORLD_ENV = "AI_FINOPS_TEST_PIPELINE_WORLD"
# The private build when the environment names no built world: every generator at a tiny scale.
PIPELINE_ARGS = {"seed": 5, "scale": 0.05, "months": 1, "last_period": "2026-10"}
PIPELINE_TELEMETRY_DAYS = 2
# dbt commands that only read a read-only world (data tests run selects; nothing is materialised).
READ_ONLY_DBT_COMMANDS = ("test", "compile", "ls", "list", "show", "parse")


@dataclass
class PipelineWorld(World):
    """A complete world: every generator's files under `generated` (truth in `generated/truth`), all of them
    landed, and one full `dbt build`. Shared by the session: tests only read it (see `pipeline_world`)."""

    read_only: bool = True

    @property
    def generated(self) -> Path:
        return self.data_root / "demo"

    def truth(self, name: str) -> dict:
        return json.loads((self.generated / "truth" / f"{name}.json").read_text())


def _build_pipeline_world(root: Path, dbt: DbtSession) -> PipelineWorld:
    """What `make test` builds under target/test, at a tiny scale and in-process: generate, ingest every kind
    of input, one `dbt build`."""
    from ai_finops.generate import generate_aws_cur2
    from ai_finops.generate.azure_cost import generate_azure_cost
    from ai_finops.generate.gcp_billing import generate_gcp_billing
    from ai_finops.generate.k8s_telemetry import generate_k8s_telemetry
    from ai_finops.generate.managed_ml import generate_managed_ml
    from ai_finops.ingest import gcp_billing, managed_ml, mlflow_extract
    from ai_finops.ingest.prometheus import ingest_prometheus
    from ai_finops.ingest.runner import ingest_aws_cur, ingest_azure_cost, ingest_focus

    world = PipelineWorld(root, read_only=False)
    out = world.generated
    generate_aws_cur2(out, **PIPELINE_ARGS)
    generate_gcp_billing(out, **PIPELINE_ARGS)
    generate_azure_cost(out, **PIPELINE_ARGS)
    generate_k8s_telemetry(out, **PIPELINE_ARGS, days=PIPELINE_TELEMETRY_DAYS)
    summary = generate_managed_ml(out, seed=PIPELINE_ARGS["seed"])
    with world.active():
        reports = {}
        # Earlier deliveries first, then the restated ones that replace them (as `make test` lands them).
        if (out / "aws" / "cur2-earlier").exists():
            reports["aws earlier"] = ingest_aws_cur([out / "aws" / "cur2-earlier"])
        if (out / "gcp" / "billing_export_earlier").exists():
            reports["gcp earlier"] = gcp_billing.ingest([out / "gcp" / "billing_export_earlier"])
        reports |= {
            "aws": ingest_aws_cur([out / "aws" / "cur2"]),
            "gcp": gcp_billing.ingest([out / "gcp" / "billing_export"]),
            "azure": ingest_azure_cost([out / "azure" / "exports"]),
            "focus": ingest_focus([FIXTURES / "focus" / "synthetic"]),
            "prometheus": ingest_prometheus([out / "telemetry" / "prometheus"]),
            "managed_ml": managed_ml.ingest([out / "managed_ml"]),
        }
        mlflow_extract.extract(summary["tracking_uri"])
    refused = {name: report.refused for name, report in reports.items() if report.refused}
    assert not refused, refused
    build = dbt(world, "build")
    assert build.success, failed_nodes(build)
    world.read_only = True
    return world


@pytest.fixture(scope="session")
def pipeline_world(tmp_path_factory, dbt) -> PipelineWorld:
    """The complete built world, read-only: the one `make test` built before pytest when
    AI_FINOPS_TEST_PIPELINE_WORLD names its folder (holding data/, data/demo/ and ai_finops.duckdb), else one
    built here once per session. Tests must not ingest into it or rebuild it; a test that lands or re-builds
    uses a small world of its own (it may read the generated files under `generated`)."""
    named = os.environ.get(PIPELINE_WORLD_ENV)
    if named:
        world = PipelineWorld(Path(named).resolve())
        missing = [p for p in (world.db_path, world.generated / "truth") if not p.exists()]
        assert not missing, f"{PIPELINE_WORLD_ENV}={named} is not a built pipeline world: {missing} missing"
        return world
    return _build_pipeline_world(tmp_path_factory.mktemp("pipeline_world"), dbt)
