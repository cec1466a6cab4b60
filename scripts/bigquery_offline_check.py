"""BigQuery without BigQuery, part 1: compile every node for BigQuery offline and parse it as strict GoogleSQL.

1. `dbt compile --target bigquery_offline --no-populate-cache --no-introspect` (dummy oauth token, fake
   project; no network) twice into target_bq/: once as a first build, once with `force_incremental_compile`
   so the incremental SELECTs (`finops_is_incremental()` branches) are compiled too. Each run has a timeout:
   a BigQuery compile that reaches for the network retries Google's token endpoint for minutes instead of
   failing.
2. Every compiled model, data test and analysis of both runs is parsed by ZetaSQL (the `zetasql` package:
   Google's parser compiled to WASM) with all language features on. ZetaSQL rejects what BigQuery rejects
   (`::` casts, `EXCLUDE`, `x[...]` on non-arrays, backslash escapes it does not know, ...), where sqlglot
   and sqlfluff are lenient.

Not covered here: the DDL/DML dbt's materializations wrap around a SELECT (create table ... partition by,
the insert_overwrite DECLARE/MERGE script) exist only at run time; unit tests need column types from the
warehouse and are not compiled offline. scripts/bigquery_emulator_build.py runs the DDL and the unit
tests against crucible-emulator; the insert_overwrite script is untested (README, "BigQuery").

Exit 0 when every node compiled and parsed; 1 with one line per failure (file and ZetaSQL's message).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DBT = ROOT / ".venv" / "bin" / "dbt"
TARGET_ROOT = Path(os.environ.get("AI_FINOPS_BQ_TARGET_DIR", ROOT / "target_bq"))  # dbt target paths and logs
PARSED_RESOURCE_TYPES = ("model", "test", "analysis")

# (name, vars): the first-build compile and the incremental one.
RUNS: tuple[tuple[str, str], ...] = (
    ("full", "{offline_compile: true}"),
    ("incremental", "{offline_compile: true, force_incremental_compile: true}"),
)


@dataclass
class Failure:
    run: str
    node: str
    path: str
    message: str


def compile_offline(run: str, dbt_vars: str, timeout: float) -> Path:
    """Compile the whole project for BigQuery without a connection; returns the run's target folder."""
    target = TARGET_ROOT / run
    command = [
        str(DBT),
        "compile",
        "--target",
        "bigquery_offline",
        "--no-populate-cache",
        "--no-introspect",
        "--vars",
        dbt_vars,
        "--target-path",
        str(target),
        "--log-path",
        str(TARGET_ROOT / "logs"),
        "--project-dir",
        str(ROOT),
        "--profiles-dir",
        str(ROOT),
    ]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "AI_FINOPS_TARGET": "bigquery_offline"}
    print(f"$ {' '.join(command)}", flush=True)
    started = time.perf_counter()
    # Own process group, so a hung compile is killed with everything it started.
    with subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True) as process:
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise SystemExit(
                f"dbt compile ({run}) did not finish in {timeout:.0f} s: something asked BigQuery for "
                "metadata (is_incremental(), run_query, get_columns_in_relation, date_spine, ...) "
                "without the offline_compile guard"
            ) from None
    print(f"dbt compile ({run}): exit {code} in {time.perf_counter() - started:.1f} s", flush=True)
    if code != 0:
        raise SystemExit(f"dbt compile ({run}) failed with exit code {code} (see the output above)")
    return target


def compiled_nodes(target: Path) -> list[tuple[str, str, str]]:
    """(unique_id, compiled file, compiled SQL) of every enabled model, data test and analysis."""
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = []
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] not in PARSED_RESOURCE_TYPES:
            continue
        if node.get("compiled_code") is None:
            raise SystemExit(f"{unique_id}: dbt compile produced no compiled SQL")
        nodes.append(
            (unique_id, node.get("compiled_path") or node["original_file_path"], node["compiled_code"])
        )
    return nodes


class GoogleSqlParser:
    """ZetaSQL's parser with every language feature enabled (QUALIFY, pipe syntax, ...)."""

    def __init__(self) -> None:
        import wasmtime
        import zetasql.core.wasm_client as wasm_client

        class _CachedConfig(wasmtime.Config):
            # wasmtime's compilation cache: the WASM module starts in ~1 s instead of 12-50 s.
            def __init__(self) -> None:
                super().__init__()
                self.cache = True

        wasm_client.Config = _CachedConfig

        from zetasql import types
        from zetasql.core.local_service import ZetaSqlLocalService

        self._types = types
        self._options = types.LanguageOptions.maximum_features()
        self._service = ZetaSqlLocalService.get_instance()

    def check(self, sql: str) -> None:
        """Raise zetasql's ServerError with the parser's message when `sql` is not one valid statement.

        The public Parser.parse_statement() also decodes the whole AST into Python protobuf objects, which
        fails past protobuf's nesting limit (100) on long `a + b + ...` chains that ZetaSQL itself parsed
        fine. Only the verdict matters here, so the Parse RPC is called without decoding its answer.
        """
        request = self._types.ParseRequest(sql_statement=sql, options=self._options).to_proto()
        self._service.wasm_client._call_grpc_method("ZetaSqlLocalService_Parse", request.SerializeToString())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per dbt compile (default 180)")
    args = parser.parse_args()

    targets = [(run, compile_offline(run, dbt_vars, args.timeout)) for run, dbt_vars in RUNS]

    started = time.perf_counter()
    google_sql = GoogleSqlParser()
    print(f"zetasql ready in {time.perf_counter() - started:.1f} s", flush=True)

    failures: list[Failure] = []
    counts: dict[str, int] = {}
    for run, target in targets:
        nodes = compiled_nodes(target)
        counts[run] = len(nodes)
        for unique_id, compiled_path, sql in nodes:
            try:
                google_sql.check(sql)
            except Exception as exc:  # zetasql raises ServerError with BigQuery-style messages
                path = Path(compiled_path)
                shown = path.relative_to(ROOT) if path.is_absolute() and path.is_relative_to(ROOT) else path
                failures.append(Failure(run, unique_id, str(shown), str(exc)))

    summary = ", ".join(f"{run}: {count} nodes" for run, count in counts.items())
    if failures:
        print(f"\nzetasql rejected {len(failures)} compiled node(s) ({summary}):")
        for failure in failures:
            print(f"  [{failure.run}] {failure.node}\n    {failure.path}\n    {failure.message}")
        return 1
    print(f"\nBigQuery offline compile + strict GoogleSQL parse: all nodes OK ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
