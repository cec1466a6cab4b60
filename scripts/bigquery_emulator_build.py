"""BigQuery without BigQuery, part 2: `dbt build` on crucible-emulator, then the same totals as DuckDB.

1. `.venv-crucible` holds crucible-emulator (a DuckDB-backed BigQuery REST API, PyPI
   `crucible-emulator[server]`). It pins duckdb and sqlglot versions of its own, so it has its own venv,
   installed once and pinned (a marker file records what was installed; nothing is done when it matches).
2. The emulator is started on 127.0.0.1 on a free port in a process group of its own, and stopped when
   this script ends, however it ends (finally, atexit, SIGTERM/SIGINT).
3. Every dbt source table is loaded with the rows DuckDB's ingest views read from this world's landing zone
   ($AI_FINOPS_DUCKDB_PATH; `raw_aws.cur_line_items` is exactly the landed Parquet under
   $AI_FINOPS_DATA_ROOT/raw/aws/cur/billing_account=*/billing_period=*/delivery=*/), through the BigQuery
   client's load API, at the place the BigQuery target reads it (both targets' manifests name it). A
   Parquet load job of the Parquet DuckDB writes (`bq load --source_format=PARQUET`, README) is tried first;
   crucible 0.1.0a2 refuses Parquet load jobs ("Not supported by Crucible: load job sourceFormat PARQUET"),
   so the same rows then go through a CSV load job and one query gives them the shape BigQuery documents
   for a Parquet load: a DuckDB MAP is a Parquet MAP group, loaded as STRUCT<key_value ARRAY<STRUCT<key,
   value>>> (entry order kept, NULL map = NULL struct); a TIMESTAMP without zone (isAdjustedToUTC false, as
   DuckDB writes TIMESTAMP) as DATETIME, TIMESTAMPTZ as TIMESTAMP; STRUCT as STRUCT, LIST as ARRAY (list
   inference on), DECIMAL(38,9) as NUMERIC. Staging casts timestamps, so TIMESTAMP columns build the same.
   GCP on real BigQuery is read in place through a view (`dbt run-operation
   create_gcp_billing_export_lineage_view`); that operation is run here on the same rows held as Google's
   export table holds them (no lineage columns), and the view must give the same rows and Σ cost per
   billing account x invoice month, with one row id per row.
4. `dbt build --target bigquery_emulator` (seeds, models, the enforced contract, unit and data tests) with a
   timeout, as a first build: crucible cannot run the DECLARE/MERGE script of an insert_overwrite
   re-run, so the incremental path is compiled (scripts/bigquery_offline_check.py) but not run here.
   crucible has no BIGNUMERIC either: money is NUMERIC (scale 9) on the emulator, through the
   `bigquery_money_type` var; real BigQuery builds use BIGNUMERIC.
5. Σ BilledCost, Σ EffectiveCost and rows of focus_cost_and_usage per BillingAccountId x x_billing_period
   on the emulator are compared with the DuckDB database of the same world ($AI_FINOPS_DUCKDB_PATH, built
   by `ai-finops build`); money must agree to the cent and row counts exactly.

Exit 0 when the build passed and the totals match; 1 otherwise.
"""

from __future__ import annotations

import argparse
import atexit
import fcntl
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ai_finops import paths  # noqa: E402

DBT = ROOT / ".venv" / "bin" / "dbt"
CRUCIBLE_VENV = Path(os.environ.get("CRUCIBLE_VENV", ROOT / ".venv-crucible"))
TARGET = Path(os.environ.get("AI_FINOPS_BQ_TARGET_DIR", ROOT / "target_bq"))  # dbt target paths and logs
PROJECT = "ai-finops-emulator"  # profiles.yml, target bigquery_emulator
CENT = Decimal("0.005")  # two amounts agree to the cent when they differ by less than half a cent

# Verified with CPython 3.11.7 (`pip freeze` of a fresh venv; `pip check` clean).
CRUCIBLE_PINS = """\
crucible-emulator[server]==0.1.0a2
anyio==4.16.0
click==8.5.1
duckdb==1.5.6
h11==0.16.0
idna==3.20
pytz==2026.6
PyYAML==6.0.4
sqlglot==30.22.0
starlette==1.10.0
typing_extensions==4.16.0
uvicorn==0.54.0
"""


def log(message: str) -> None:
    print(f"bigquery_emulator_build: {message}", flush=True)


# --- 1. the emulator's venv ---------------------------------------------------------------------


def ensure_crucible_venv() -> Path:
    """Create or reuse CRUCIBLE_VENV with the pinned crucible-emulator; returns its `crucible` binary.
    A lock file beside the venv keeps two concurrent runs from building it at once."""
    CRUCIBLE_VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(CRUCIBLE_VENV.parent / f"{CRUCIBLE_VENV.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_crucible_venv()


def _ensure_crucible_venv() -> Path:
    marker = CRUCIBLE_VENV / ".ai_finops_crucible_setup"
    crucible = CRUCIBLE_VENV / "bin" / "crucible"
    python = CRUCIBLE_VENV / "bin" / "python"
    stamp = f"python={sys.version.split()[0]} pins={' '.join(CRUCIBLE_PINS.split())}"
    if marker.exists() and marker.read_text().strip() == stamp and crucible.exists():
        log(f"up to date: {CRUCIBLE_VENV}")
        return crucible
    log(f"creating {CRUCIBLE_VENV} (crucible-emulator[server]==0.1.0a2)")
    subprocess.run(["rm", "-rf", str(CRUCIBLE_VENV)], check=True)
    # sys._base_executable: the interpreter .venv was made from, not .venv's own python.
    subprocess.run(
        [getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(CRUCIBLE_VENV)], check=True
    )
    constraints = CRUCIBLE_VENV / "crucible-constraints.txt"
    constraints.write_text(CRUCIBLE_PINS.replace("[server]", ""))
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [
            *pip,
            "install",
            "--quiet",
            "--only-binary=:all:",
            "-c",
            str(constraints),
            "crucible-emulator[server]",
        ],
        check=True,
    )
    subprocess.run([*pip, "check"], check=True)
    marker.write_text(stamp + "\n")
    return crucible


# --- 2. the emulator process --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """`crucible serve` on loopback in its own process group; stop() is idempotent."""

    def __init__(self, crucible: Path, log_path: Path) -> None:
        self.crucible = crucible
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self, attempts: int = 3, ready_timeout: float = 60.0) -> None:
        for _ in range(attempts):
            self.port = free_port()
            log_file = self.log_path.open("ab")
            self.process = subprocess.Popen(
                [
                    str(self.crucible),
                    "serve",
                    "--dialect",
                    "bigquery",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log_file.close()
            if self._wait_ready(ready_timeout):
                log(f"crucible-emulator ready on 127.0.0.1:{self.port} (pid {self.process.pid})")
                return
            self.stop()  # the port was taken in between, or the server died: try another port
        raise SystemExit(f"crucible-emulator did not start; see {self.log_path}")

    def _wait_ready(self, timeout: float) -> bool:
        url = f"{self.endpoint}/bigquery/v2/projects/{PROJECT}/datasets"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return True
            except OSError:
                time.sleep(0.2)
        return False

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
        log(f"crucible-emulator stopped (pid {process.pid})")


def bigquery_client(endpoint: str):
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    return bigquery.Client(
        project=PROJECT,
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=endpoint),
    )


# --- 3. the raw relations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One dbt source table: where DuckDB's ingest views expose it and where the BigQuery target reads it."""

    unique_id: str
    duckdb_relation: str
    bigquery_table: str  # project.dataset.table


def parse_sources(port: int, timeout: float) -> list[Source]:
    """Every source table of the project, located on both targets (`dbt parse` per target, in parallel)."""
    runs = {}
    for target in ("duckdb", "bigquery_emulator"):
        command = [
            str(DBT),
            "parse",
            "--target",
            target,
            "--target-path",
            str(TARGET / f"parse_{target}"),
            "--log-path",
            str(TARGET / "logs"),
            "--project-dir",
            str(ROOT),
            "--profiles-dir",
            str(ROOT),
            "--quiet",
        ]
        env = {
            **os.environ,
            "AI_FINOPS_BQ_EMULATOR_PORT": str(port),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        runs[target] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    manifests = {}
    for target, process in runs.items():
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise SystemExit(f"dbt parse --target {target} did not finish in {timeout:.0f} s") from None
        if code != 0:
            raise SystemExit(f"dbt parse --target {target} failed (exit {code})")
        manifests[target] = json.loads((TARGET / f"parse_{target}" / "manifest.json").read_text())["sources"]
    sources = []
    for unique_id, bq in sorted(manifests["bigquery_emulator"].items()):
        duck = manifests["duckdb"].get(unique_id)
        if duck is None:
            raise SystemExit(f"{unique_id}: a source on BigQuery with no DuckDB counterpart to load it from")
        sources.append(
            Source(
                unique_id,
                f'"{duck["schema"]}"."{duck["identifier"]}"',
                f"{bq['database']}.{bq['schema']}.{bq['identifier']}",
            )
        )
    return sources


def bigquery_type(arrow_type) -> str:
    """The BigQuery type a Parquet load gives a column (maps: Parquet MAP group, lists: list inference on)."""
    import pyarrow as pa

    if pa.types.is_map(arrow_type):
        key, value = bigquery_type(arrow_type.key_type), bigquery_type(arrow_type.item_type)
        return f"STRUCT<key_value ARRAY<STRUCT<key {key}, value {value}>>>"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f"`{f.name}` {bigquery_type(f.type)}" for f in arrow_type)
        return f"STRUCT<{fields}>"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return f"ARRAY<{bigquery_type(arrow_type.value_type)}>"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "STRING"
    if pa.types.is_floating(arrow_type):
        return "FLOAT64"
    if pa.types.is_integer(arrow_type):
        return "INT64"
    if pa.types.is_boolean(arrow_type):
        return "BOOL"
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_timestamp(arrow_type):
        # isAdjustedToUTC (a zone) -> TIMESTAMP; a local TIMESTAMP, as DuckDB writes TIMESTAMP -> DATETIME.
        return "TIMESTAMP" if arrow_type.tz else "DATETIME"
    if pa.types.is_decimal(arrow_type):
        if arrow_type.scale <= 9 and arrow_type.precision - arrow_type.scale <= 29:
            return "NUMERIC"
        return "BIGNUMERIC"
    raise SystemExit(f"no BigQuery load mapping here for Arrow type {arrow_type}")


def encode_sql(arrow_type, expression: str, depth: int = 0) -> str:
    """DuckDB SQL giving a value as text for the row payload: a scalar as its exact text (DOUBLE prints as
    its shortest round-trip text); a struct, list or map as the JSON text of an array of encoded members
    (struct fields in order, list items, [key, value] pairs). NULL stays NULL."""
    import pyarrow as pa

    item = f"item{depth}"
    if pa.types.is_struct(arrow_type):
        members = ", ".join(
            encode_sql(field.type, f"struct_extract({expression}, '{field.name}')", depth)
            for field in arrow_type
        )
        return f"case when {expression} is not null then cast(to_json([{members}]) as varchar) end"
    if pa.types.is_map(arrow_type):
        pair = (
            f"cast(to_json([{encode_sql(arrow_type.key_type, f'{item}.key', depth + 1)}, "
            f"{encode_sql(arrow_type.item_type, f'{item}.value', depth + 1)}]) as varchar)"
        )
        entries = f"list_transform(map_entries({expression}), lambda {item}: {pair})"
        return f"case when {expression} is not null then cast(to_json({entries}) as varchar) end"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        member = encode_sql(arrow_type.value_type, item, depth + 1)
        items = f"list_transform({expression}, lambda {item}: {member})"
        return f"case when {expression} is not null then cast(to_json({items}) as varchar) end"
    if pa.types.is_timestamp(arrow_type) and arrow_type.tz:
        return f"cast(timezone('UTC', {expression}) as varchar) || '+00:00'"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return expression
    return f"cast({expression} as varchar)"


class Decoder:
    """GoogleSQL that turns encode()d text back into BigQuery values of a Parquet load's types.

    A list or map at row level becomes a CTE (unnest, then array_agg per row, joined back by row number):
    crucible turns a correlated ARRAY(SELECT ...) per row into about 1 MB of memory per row. Lists and maps
    inside list items or map values can only be correlated subqueries.
    """

    def __init__(self, rows_cte: str) -> None:
        self.rows_cte = rows_cte
        self.ctes: list[tuple[str, str]] = []  # (name, select)

    def decode(self, arrow_type, text: str, row_level: bool, depth: int = 0) -> str:
        import pyarrow as pa

        if pa.types.is_struct(arrow_type):
            fields = ", ".join(
                f"{self.decode(f.type, f'json_value({text}, {chr(39)}$[{i}]{chr(39)})', row_level, depth)} as `{f.name}`"
                for i, f in enumerate(arrow_type)
            )
            return f"if({text} is null, null, struct({fields}))"
        if pa.types.is_map(arrow_type) or pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
            item, position = f"item{depth}", f"position{depth}"
            if pa.types.is_map(arrow_type):
                key = self.decode(arrow_type.key_type, f"json_value({item}, '$[0]')", False, depth + 1)
                value = self.decode(arrow_type.item_type, f"json_value({item}, '$[1]')", False, depth + 1)
                element = f"struct({key} as key, {value} as value)"
            else:
                element = self.decode(arrow_type.value_type, item, False, depth + 1)
            source = f"unnest(json_value_array({text})) as {item} with offset as {position}"
            if row_level:
                name = f"nested_{len(self.ctes)}"
                self.ctes.append(
                    (
                        name,
                        f"select {self.rows_cte}._row, array_agg({element} order by {position}) as items\n"
                        f"    from {self.rows_cte}\n    cross join {source}\n    group by {self.rows_cte}._row",
                    )
                )
                items = f"coalesce({name}.items, [])"
            else:
                items = f"array(select {element} from {source} order by {position})"
            if pa.types.is_map(arrow_type):
                return f"if({text} is null, null, struct({items} as key_value))"
            return items  # BigQuery has no NULL arrays: a NULL list loads as []
        target = bigquery_type(arrow_type)
        return text if target == "STRING" else f"cast({text} as {target})"


class Loader:
    """Loads DuckDB relations into the emulator through the client's load API, as `bq load` loads Parquet."""

    # crucible inserts a CSV line at ~2 ms, but a long line costs memory in the query that splits it again.
    ROWS_PER_LINE = 10

    def __init__(self, client, con) -> None:
        self.client = client
        self.con = con  # the DuckDB file of this world, read only
        self.parquet_supported: bool | None = None  # unknown until the first load

    def load(self, relation: str, destination: str) -> int:
        self.client.create_dataset(destination.rsplit(".", 1)[0], exists_ok=True)
        schema = self.con.sql(f"select * from {relation} limit 0").to_arrow_table().schema
        if self.parquet_supported is not False and self._parquet(relation, schema, destination):
            return self.client.get_table(destination).num_rows
        return self._json_rows(relation, schema, destination)

    def _parquet(self, relation: str, schema, destination: str) -> bool:
        """The load the README documents (`bq load --source_format=PARQUET`), of the Parquet DuckDB writes."""
        import tempfile

        from google.api_core.exceptions import BadRequest
        from google.cloud import bigquery

        config = bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.PARQUET,
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
        )
        if "list<" in str(schema):  # lists anywhere: --parquet_enable_list_inference
            config.parquet_options = bigquery.ParquetOptions.from_api_repr({"enableListInference": True})
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "rows.parquet"
            self.con.execute(f"copy (select * from {relation}) to '{path}' (format parquet)").fetchall()
            try:
                with path.open("rb") as handle:
                    self.client.load_table_from_file(handle, destination, job_config=config).result()
            except BadRequest as exc:
                if "Not supported by Crucible" not in str(exc):
                    raise
                log(
                    f"Parquet load job refused by the emulator ({str(exc).split(';')[0]}): loading as JSON rows"
                )
                self.client.delete_table(destination, not_found_ok=True)
                self.parquet_supported = False
                return False
        self.parquet_supported = True
        return True

    def _json_rows(self, relation: str, schema, destination: str) -> int:
        """crucible's CSV load inserts line by line (~2 ms a line) and takes no nested types. So DuckDB
        encodes each row as a JSON array of texts ([row number, column 0, column 1, ...], encode_sql), a few
        hundred rows go in one line of a one-column CSV load job, and one query casts the texts back into
        the Parquet load's columns and types."""
        from google.cloud import bigquery

        columns = list(schema)
        texts = ", ".join(
            ["cast(_row as varchar)"]
            + [encode_sql(field.type, f'numbered."{field.name}"') for field in columns]
        )
        chunks = self.con.execute(
            f"""
            select '[' || string_agg(cast(to_json([{texts}]) as varchar), ',' order by _row) || ']'
            from (select row_number() over () - 1 as _row, * from {relation}) as numbered
            group by _row // {self.ROWS_PER_LINE}
            """
        ).fetchall()
        body = "".join('"' + chunk.replace('"', '""') + '"\n' for (chunk,) in chunks)
        staging = f"{destination}__ai_finops_load"
        config = bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.CSV,
            schema=[bigquery.SchemaField("payload", "STRING")],
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
        )
        self.client.load_table_from_file(
            io.BytesIO(body.encode("utf-8")), staging, job_config=config
        ).result()

        decoder = Decoder("landed")
        select_list = [
            f"{decoder.decode(field.type, f'landed.texts[safe_offset({i + 1})]', True)} as `{field.name}`"
            for i, field in enumerate(columns)
        ]
        ctes = [
            (
                "landed",
                "select cast(texts[safe_offset(0)] as int64) as _row, texts\n"
                "    from (\n"
                "        select json_value_array(row_json) as texts\n"
                f"        from `{staging}` as chunks\n"
                "        cross join unnest(json_query_array(chunks.payload)) as row_json\n"
                "    ) as payloads",
            ),
            *decoder.ctes,
        ]
        joins = "".join(f"\nleft join {name} on landed._row = {name}._row" for name, _ in decoder.ctes)
        sql = (
            f"create or replace table `{destination}` as\nwith\n"
            + ",\n".join(f"{name} as (\n    {select}\n)" for name, select in ctes)
            + "\nselect\n    "
            + ",\n    ".join(select_list)
            + f"\nfrom landed{joins}"
        )
        self.client.query(sql).result()
        self.client.delete_table(staging)
        return self.client.get_table(destination).num_rows


def load_sources(client, sources: list[Source]) -> None:
    """Every source table, with the rows DuckDB's ingest views read from this world's landing zone."""
    import duckdb

    con = duckdb.connect(str(paths.duckdb_path()), read_only=True)
    loader = Loader(client, con)
    try:
        for source in sources:
            started = time.perf_counter()
            expected = con.execute(f"select count(*) from {source.duckdb_relation}").fetchall()[0][0]
            rows = loader.load(source.duckdb_relation, source.bigquery_table)
            if rows != expected:
                raise SystemExit(f"{source.bigquery_table}: loaded {rows} rows of {expected}")
            log(
                f"{source.duckdb_relation} -> {source.bigquery_table}: {rows:,} rows "
                f"({time.perf_counter() - started:.1f} s)"
            )
    finally:
        con.close()


def dbt_command(port: int, timeout: float, *arguments: str) -> None:
    """One dbt CLI call against the emulator, in its own process group, killed at the timeout."""
    command = [
        str(DBT),
        *arguments,
        "--target",
        "bigquery_emulator",
        "--log-path",
        str(TARGET / "logs"),
        "--project-dir",
        str(ROOT),
        "--profiles-dir",
        str(ROOT),
    ]
    env = {
        **os.environ,
        "AI_FINOPS_BQ_EMULATOR_PORT": str(port),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    log("$ " + " ".join(command))
    with subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True) as process:
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise SystemExit(
                f"dbt {arguments[0]} on the emulator did not finish in {timeout:.0f} s"
            ) from None
    if code != 0:
        raise SystemExit(
            f"dbt {arguments[0]} --target bigquery_emulator failed (exit {code}; see the output above)"
        )


# GCP on BigQuery reads Google's export table in place, through the view that
# `dbt run-operation create_gcp_billing_export_lineage_view` puts in front of it (README, "BigQuery"). The
# build reads the landed rows (the view re-sorts the export in every query that reads it, too slow for CI);
# this check proves the operation on the same rows: the export table as Google holds it (no lineage
# columns), the view created by the operation, and per billing account x invoice month the same rows,
# Σ cost, and one row number per row of a delivery.
GCP_EXPORT_SOURCE = "source.ai_finops.gcp_billing.gcp_billing_export_resource_v1"
GCP_LINEAGE_COLUMNS = ("_delivery_id", "_source_file", "_source_row_number", "_source_format", "_loaded_at")
GCP_VIEW_CHECK_DATASET = "raw_gcp_view_check"
GCP_VIEW_TOTALS = """
select
    billing_account_id,
    invoice.month as invoice_month,
    count(*) as n_rows,
    sum(cost) as cost,
    count(distinct concat(_delivery_id, '#', cast(_source_row_number as string))) as row_ids
from `{table}`
group by billing_account_id, invoice.month
"""


def check_gcp_export_view(client, port: int, timeout: float, sources: list[Source]) -> None:
    landed = next((s.bigquery_table for s in sources if s.unique_id == GCP_EXPORT_SOURCE), None)
    if landed is None:
        raise SystemExit(f"{GCP_EXPORT_SOURCE}: no such source (the GCP view check needs it)")
    project = landed.split(".", 1)[0]
    export_table = f"{project}.gcp_billing_export.gcp_billing_export_resource_v1_0A1B2C_3D4E5F_6A7B8C"
    client.create_dataset(export_table.rsplit(".", 1)[0], exists_ok=True)
    client.create_dataset(f"{project}.{GCP_VIEW_CHECK_DATASET}", exists_ok=True)  # README: `bq mk --dataset`
    client.query(
        f"create or replace table `{export_table}` as "
        f"select * except ({', '.join(GCP_LINEAGE_COLUMNS)}) from `{landed}`"
    ).result()
    dbt_command(
        port,
        timeout,
        "run-operation",
        "create_gcp_billing_export_lineage_view",
        "--args",
        json.dumps({"export_table": export_table}),
        "--vars",
        json.dumps({"raw_gcp_schema": GCP_VIEW_CHECK_DATASET}),
        "--target-path",
        str(TARGET / "operation"),
    )
    view = f"{project}.{GCP_VIEW_CHECK_DATASET}.{landed.rsplit('.', 1)[1]}"

    def totals(table: str, row_ids: bool) -> dict:
        sql = GCP_VIEW_TOTALS.format(table=table)
        if not row_ids:
            sql = sql.replace(
                "count(distinct concat(_delivery_id, '#', cast(_source_row_number as string)))", "count(*)"
            )
        return {
            (r.billing_account_id, r.invoice_month): (r.n_rows, Decimal(str(r.cost)), r.row_ids)
            for r in client.query(sql).result()
        }

    expected, got = totals(landed, row_ids=False), totals(view, row_ids=True)
    problems = [
        f"{key}: landed {expected.get(key)} vs view {got.get(key)}"
        for key in sorted(set(expected) | set(got))
        if key not in expected
        or key not in got
        or expected[key][0] != got[key][0]
        or abs(expected[key][1] - got[key][1]) >= CENT
        or got[key][2] != got[key][0]
    ]
    if problems:
        raise SystemExit(
            "the GCP export lineage view differs from the landed rows:\n  " + "\n  ".join(problems)
        )
    log(
        f"GCP export lineage view: {len(got)} billing account x invoice months, same rows and Σ cost as landed"
    )


# Not built on the emulator, and why (each still compiles for BigQuery and is parsed by ZetaSQL in
# scripts/bigquery_offline_check.py): the workload attribution reads tag keys named by a seed row, which
# BigQuery does with the JSON subscript of PARSE_JSON (JSON_VALUE takes only a literal path) and crucible
# 0.1.0a2 has no PARSE_JSON; its unit tests also expect money at BIGNUMERIC scale, which the emulator's
# NUMERIC(9) cannot hold.
EMULATOR_EXCLUDED = (
    "path:models/intermediate/attribution",
    "path:models/marts/attribution",
    "path:tests/dbt/attribution",
)


def dbt_build(port: int, timeout: float) -> Path:
    target = TARGET / "emulator"
    dbt_command(
        port,
        timeout,
        "build",
        "--exclude",
        *EMULATOR_EXCLUDED,
        "--vars",
        "{bigquery_money_type: numeric}",
        "--target-path",
        str(target),
    )
    return target


# --- 5. totals ----------------------------------------------------------------------------------

TOTALS_SQL = """
select
    BillingAccountId as billing_account_id,
    x_billing_period as billing_period,
    sum(BilledCost) as billed_cost,
    sum(EffectiveCost) as effective_cost,
    count(*) as n_rows
from {relation}
group by BillingAccountId, x_billing_period
"""


def emulator_totals(client, target: Path) -> dict[tuple[str, str], tuple[Decimal, Decimal, int]]:
    manifest = json.loads((target / "manifest.json").read_text())
    node = manifest["nodes"]["model.ai_finops.focus_cost_and_usage"]
    relation = f"`{node['database']}`.`{node['schema']}`.`{node['alias']}`"
    rows = client.query(TOTALS_SQL.format(relation=relation)).result()
    return {
        (r["billing_account_id"], r["billing_period"]): (
            Decimal(r["billed_cost"]),
            Decimal(r["effective_cost"]),
            int(r["n_rows"]),
        )
        for r in rows
    }


def duckdb_totals() -> dict[tuple[str, str], tuple[Decimal, Decimal, int]]:
    import duckdb

    db_path = paths.duckdb_path()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        schemas = [
            row[0]
            for row in con.execute(
                "select table_schema from information_schema.tables where table_name = 'focus_cost_and_usage'"
            ).fetchall()
        ]
        if len(schemas) != 1:
            raise SystemExit(f"{db_path}: expected one focus_cost_and_usage, found schemas {schemas}")
        rows = con.execute(TOTALS_SQL.format(relation=f'"{schemas[0]}".focus_cost_and_usage')).fetchall()
    finally:
        con.close()
    return {(a, p): (Decimal(b), Decimal(e), int(n)) for a, p, b, e, n in rows}


def compare(duck: dict, emulated: dict) -> bool:
    """Print both engines' totals side by side; True when every key matches (money to the cent, rows exactly)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="focus_cost_and_usage: DuckDB vs BigQuery emulator (crucible)")
    for name, justify in [
        ("billing account", "left"),
        ("period", "left"),
        ("Σ BilledCost DuckDB", "right"),
        ("Σ BilledCost emulator", "right"),
        ("Σ EffectiveCost DuckDB", "right"),
        ("Σ EffectiveCost emulator", "right"),
        ("rows DuckDB", "right"),
        ("rows emulator", "right"),
        ("match", "left"),
    ]:
        table.add_column(name, justify=justify)

    def cells(values):
        if values is None:
            return ["-", "-", "-"]
        return [f"{values[0]:,.6f}", f"{values[1]:,.6f}", str(values[2])]

    all_match = bool(duck)
    grand = {"duckdb": [Decimal(0), Decimal(0), 0], "emulator": [Decimal(0), Decimal(0), 0]}
    for key in sorted(set(duck) | set(emulated)):
        d, e = duck.get(key), emulated.get(key)
        match = (
            d is not None
            and e is not None
            and abs(d[0] - e[0]) < CENT
            and abs(d[1] - e[1]) < CENT
            and d[2] == e[2]
        )
        all_match &= match
        for engine, values in (("duckdb", d), ("emulator", e)):
            if values is not None:
                grand[engine] = [a + b for a, b in zip(grand[engine], values, strict=True)]
        dc, ec = cells(d), cells(e)
        table.add_row(
            key[0], key[1], dc[0], ec[0], dc[1], ec[1], dc[2], ec[2], "ok" if match else "DIFFERENT"
        )
    dc, ec = cells(grand["duckdb"]), cells(grand["emulator"])
    table.add_row("total", "", dc[0], ec[0], dc[1], ec[1], dc[2], ec[2], "ok" if all_match else "DIFFERENT")
    Console(width=200).print(table)
    return all_match


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds for the dbt build (default 900)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    TARGET.mkdir(parents=True, exist_ok=True)
    crucible = ensure_crucible_venv()
    emulator = Emulator(crucible, TARGET / "crucible.log")
    atexit.register(emulator.stop)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)  # unwinds through finally: the emulator is stopped

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator.start()
        sources = parse_sources(emulator.port, args.timeout)
        client = bigquery_client(emulator.endpoint)
        load_sources(client, sources)
        check_gcp_export_view(client, emulator.port, args.timeout, sources)
        target = dbt_build(emulator.port, args.timeout)
        emulated = emulator_totals(client, target)
    finally:
        emulator.stop()
    matched = compare(duckdb_totals(), emulated)
    log(f"done in {time.perf_counter() - started:.1f} s")
    if not matched:
        log("the emulator's totals differ from DuckDB's (see the table)")
        return 1
    log("emulator totals match DuckDB to the cent, row counts exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
