"""Ingest Azure Cost Management "cost and usage details" exports (actual and amortized) into the landing zone.

Accepted (provider_exports.md §2): EA (PascalCase, current and C360 column sets) and MCA / MPA (camelCase)
files, CSV (plain or gzip, with or without a UTF-8 BOM) or Parquet, loose or with the export's
`manifest.json`. Each file is normalised to the one column set of `azure_cost_schema` and lands in the table of
its dataset: `azure/actual/...` (raw view `raw_azure.cost_details_actual`) or `azure/amortized/...`
(`raw_azure.cost_details_amortized`), keyed by billing account (EA) or billing profile (MCA) × billing period.

Which dataset a file holds is read, in this order, from: the manifest's `exportConfig.type` (`ActualCost` /
`AmortizedCost`); a file name containing `actual` or `amortized` (also `amortised`); the `--dataset` option.
When none tells, or two of them disagree, the file is refused, naming it.

Reading rules: headers match case-insensitively and ignoring punctuation; a localised header is read through
the English name in parentheses (`Abonnement-GUID (SubscriptionGuid)`); dates are US `M/D/YYYY` (zero-padded
or not) or ISO; `Tags` / `AdditionalInfo` are JSON objects with or without their outer braces; a row whose
every field is empty is skipped and counted in `_delivery.json`. Required columns, values that parse, values
present where they must be, and ISO 4217 currencies are the Great Expectations suites of
`ai_finops.quality.azure_cost` (facts computed here in DuckDB). Refused outright, with the reason: the legacy
pay-as-you-go usage export (`SubscriptionGuid`, `UsageDateTime`, `PreTaxCost`: it names no billing account,
billing period or charge type), Microsoft's FOCUS export (`FocusCost`: use `ai-finops ingest focus`), and any
file with a missing required column or a value that does not parse.

Manifests (`manifest.json`, API 2023-07-01-preview and later, and the older `manifestVersion 2021-01-01`): the
blobs of a run land together or not at all; per export (`resourceId`, `type`, `dataVersion`) and month
(`runInfo.startDate`) only the latest complete run (`submittedTime`, then `runId`) is read, so a daily
month-to-date export folder can be handed over whole; a run whose blobs are not all present is skipped, and
refused when no complete run is left; a blob's `dataRowCount`, when given, must equal its data rows.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ai_finops.errors import IngestError
from ai_finops.ingest.azure_cost_schema import (
    ACCOUNT_KEY_SQL,
    ALIASES,
    COST_DETAILS_COLUMNS,
    DATASETS,
    DATE,
    DOUBLE,
    EXPORT_TYPES,
    LEGACY_PAYG_KEYS,
    LINEAGE_COLUMNS,
    MAP_STR,
    STRING,
)
from ai_finops.ingest.formats import DeliveryUnit, NormalisedFile, SourceFile, SourceFormat
from ai_finops.quality import azure_cost as quality_azure
from ai_finops.quality.facts import NullCheck, ParseCheck, value_facts
from ai_finops.quality.gx import current_session

PROVIDER = "azure"
_DATA_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".snappy.parquet")


@dataclass
class AzureSourceFile(SourceFile):
    """A delivered file with what discovery learnt about it."""

    expected_rows: int | None = None  # the manifest blob's dataRowCount
    manifest_path: Path | None = None


# --------------------------------------------------------------------------------------------------
# header names


def header_key(raw: str) -> str:
    """The matching key of a delivered header: English name, lower case, letters and digits only."""
    name = raw.strip().lstrip("\ufeff").strip()
    localised = re.fullmatch(r"(.*\S)\s*\(([^()]+)\)", name)
    if localised:
        name = localised.group(2)
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _key_to_column() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in COST_DETAILS_COLUMNS:
        for key in ALIASES.get(column, (column.replace("_", ""),)):
            mapping[key] = column
    return mapping


_KEY_TO_COLUMN = _key_to_column()


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------------
# discovery


def dataset_from_name(path: Path) -> str | None:
    """`actual` / `amortized` when the file name says so (not both), else None."""
    name = path.name.lower()
    found = {
        d
        for d, words in (("actual", ("actual",)), ("amortized", ("amortized", "amortised")))
        if any(w in name for w in words)
    }
    return found.pop() if len(found) == 1 else None


def _is_data_file(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith((".", "_")):
        return False
    return name.endswith(_DATA_SUFFIXES)


def _file_kind(path: Path) -> str:
    return "parquet" if path.name.lower().endswith(".parquet") else "csv"


def _resolve_blob(blob_name: str, manifest_path: Path) -> Path | None:
    """The local file a manifest blob names: the longest tail of its path under the manifest's folders."""
    parts = [p for p in re.sub(r"^[a-z]+://[^/]+/", "", blob_name).split("/") if p]
    for ancestor in [manifest_path.parent, *manifest_path.parents]:
        for start in range(len(parts)):
            candidate = ancestor.joinpath(*parts[start:])
            if candidate.is_file():
                return candidate
        if ancestor == ancestor.parent:
            break
    return None


@dataclass
class _Run:
    manifest_path: Path
    manifest: dict
    key: tuple
    order: tuple
    unit: DeliveryUnit | None  # None when a blob is missing
    problem: IngestError | None


def _refusal_unit(files: list[Path], error: IngestError, manifest_path: Path | None = None) -> DeliveryUnit:
    """A unit that is refused when landed: discovery found the problem, the runner quarantines it."""
    label = str(manifest_path or (files[0] if len(files) == 1 else files[0].parent))
    return DeliveryUnit(
        files=[AzureSourceFile(f, _file_kind(f)) for f in files],
        manifest_path=manifest_path,
        label=label,
        options={"error": error},
    )


def _load_run(manifest_path: Path, option: str | None) -> _Run:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        error = IngestError(manifest_path, None, f"manifest is not readable JSON ({exc})")
        return _Run(manifest_path, {}, ("unreadable", str(manifest_path)), ("",), None, error)
    if not isinstance(manifest, dict):
        error = IngestError(manifest_path, None, "manifest is not a JSON object")
        return _Run(manifest_path, {}, ("unreadable", str(manifest_path)), ("",), None, error)
    config = manifest.get("exportConfig") if isinstance(manifest.get("exportConfig"), dict) else {}
    run_info = manifest.get("runInfo") if isinstance(manifest.get("runInfo"), dict) else {}
    start = str(run_info.get("startDate") or "")
    key = (
        str(config.get("resourceId") or "").lower(),
        str(config.get("type") or "").lower(),
        str(config.get("dataVersion") or ""),
        start[:10],
        str(config.get("exportName") or "") if not config.get("resourceId") else "",
        "" if config else str(manifest_path),  # old manifests: every one is its own run
    )
    order = (str(run_info.get("submittedTime") or ""), str(run_info.get("runId") or ""))
    blobs = manifest.get("blobs")
    if not isinstance(blobs, list) or not blobs:
        error = IngestError(manifest_path, "blobs", "manifest lists no data files")
        return _Run(manifest_path, manifest, key, order, None, error)

    files: list[AzureSourceFile] = []
    for blob in blobs:
        name = blob.get("blobName") if isinstance(blob, dict) else None
        if not isinstance(name, str) or not name:
            error = IngestError(manifest_path, "blobs", "a blob has no blobName")
            return _Run(manifest_path, manifest, key, order, None, error)
        local = _resolve_blob(name, manifest_path)
        if local is None:
            error = IngestError(
                manifest_path,
                "blobs",
                f"manifest names a file that is not here (the export run is incomplete): {name}",
            )
            return _Run(manifest_path, manifest, key, order, None, error)
        rows = blob.get("dataRowCount")
        files.append(
            AzureSourceFile(local, _file_kind(local), rows if isinstance(rows, int) else None, manifest_path)
        )

    export_type = str(config.get("type") or "")
    period = None
    if re.match(r"\d{4}-\d{2}", start):
        period = start[:7]
    unit = DeliveryUnit(
        files=list(files),
        manifest_path=manifest_path,
        manifest=manifest,
        manifest_period=period,
        label=str(manifest_path),
    )
    try:
        if export_type:
            dataset = EXPORT_TYPES.get(export_type.lower())
            if dataset is None:
                hint = (
                    "this is Microsoft's FOCUS export; land it with `ai-finops ingest focus`"
                    if export_type.lower() == "focuscost"
                    else "only ActualCost and AmortizedCost (cost and usage details) are read here"
                )
                raise IngestError(manifest_path, "exportConfig.type", f"export type {export_type!r}: {hint}")
            if option and option != dataset:
                raise IngestError(
                    manifest_path,
                    "exportConfig.type",
                    f"the manifest says {export_type} ({dataset}) but --dataset says {option}",
                )
        else:
            dataset = _dataset_of_files([f.path for f in files], option, manifest_path)
    except IngestError as error:
        return _Run(manifest_path, manifest, key, order, unit, error)
    unit.options["dataset"] = dataset
    return _Run(manifest_path, manifest, key, order, unit, None)


def _dataset_of_files(files: list[Path], option: str | None, where: Path | None = None) -> str:
    """The dataset of files without an export type: their names, else --dataset; refuse when neither tells."""
    found: set[str] = set()
    for path in files:
        named = dataset_from_name(path)
        if named and option and named != option:
            raise IngestError(path, None, f"the file name says {named} but --dataset says {option}")
        if named is None and option is None:
            raise IngestError(
                path,
                None,
                "cannot tell whether this is the actual or the amortized cost dataset: no manifest.json "
                "with exportConfig.type, and the file name contains neither 'actual' nor 'amortized'; "
                "pass --dataset actual|amortized",
            )
        found.add(named or option or "")
    if len(found) != 1:
        raise IngestError(where or files[0], None, f"the files mix datasets ({', '.join(sorted(found))})")
    return found.pop()


def discover(paths: list[Path], dataset: str | None = None) -> list[DeliveryUnit]:
    """Turn user arguments (files, manifests, export folders) into delivery units, one dataset each."""
    if dataset is not None and dataset not in DATASETS:
        raise IngestError("--dataset", None, f"must be actual or amortized, not {dataset!r}")
    manifests: list[Path] = []
    loose: dict[Path, list[Path]] = {}
    for path in paths:
        if not path.exists():
            raise IngestError(path, None, "no such file or folder")
        if path.is_file() and path.name.lower().endswith("manifest.json"):
            manifests.append(path)
        elif path.is_file():
            loose.setdefault(path.parent, []).append(path)
        else:
            found = sorted(p for p in path.rglob("*anifest.json") if ".staging" not in p.parts)
            if found:
                manifests.extend(found)
            else:
                files = sorted(p for p in path.rglob("*") if p.is_file() and _is_data_file(p))
                if not files:
                    raise IngestError(path, None, "folder holds no Azure cost export files or manifests")
                for file in files:
                    loose.setdefault(file.parent, []).append(file)

    units: list[DeliveryUnit] = []
    runs: dict[tuple, list[_Run]] = {}
    for manifest_path in dict.fromkeys(manifests):
        run = _load_run(manifest_path, dataset)
        runs.setdefault(run.key, []).append(run)
    for candidates in runs.values():
        candidates.sort(key=lambda r: r.order, reverse=True)
        complete = [r for r in candidates if r.unit is not None]
        chosen = complete[0] if complete else candidates[0]
        if chosen.problem is not None or chosen.unit is None:
            files = [f.path for f in chosen.unit.files] if chosen.unit else []
            units.append(_refusal_unit(files, chosen.problem, chosen.manifest_path))
            continue
        skipped = [str(r.manifest_path) for r in candidates if r is not chosen]
        if skipped:
            chosen.unit.options["superseded_runs"] = skipped
        units.append(chosen.unit)

    # Loose files of one folder and one dataset are one delivery: the parts of a month land together.
    for folder, files in loose.items():
        groups: dict[str, list[Path]] = {}
        for file in sorted(set(files)):
            try:
                groups.setdefault(_dataset_of_files([file], dataset), []).append(file)
            except IngestError as error:
                units.append(_refusal_unit([file], _legacy_refusal(file) or error))
        for name, members in groups.items():
            label = str(members[0]) if len(members) == 1 else f"{folder} ({len(members)} {name} files)"
            units.append(
                DeliveryUnit(
                    [AzureSourceFile(f, _file_kind(f)) for f in members],
                    label=label,
                    options={"dataset": name},
                )
            )
    return units


# --------------------------------------------------------------------------------------------------
# reading one file into the working connection


def _open_text(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _sniff_header(path: Path) -> list[str]:
    try:
        with _open_text(path) as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise IngestError(path, None, f"not a readable UTF-8 CSV file ({exc})") from exc
    if not first.strip():
        raise IngestError(path, None, "the file is empty (no header row)")
    return next(csv.reader([first]))


def _read_source(con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str) -> list[tuple[str, str]]:
    """Load a file as delivered into a temp table with `_source_row_number`; return [(column, type)]."""
    path = source.path
    if source.kind == "parquet":
        try:
            con.execute(
                f"create temp view {relation} as select *, file_row_number + 1 as _source_row_number "
                f"from read_parquet({_sql_str(str(path))}, file_row_number = true)"
            )
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise IngestError(path, None, f"not a readable Parquet file ({first})") from exc
    else:
        header = _sniff_header(path)
        seen: dict[str, int] = {}
        names = []
        for name in header:
            clean = name.strip().lstrip("\ufeff").strip() or "unnamed"
            seen[clean] = seen.get(clean, 0) + 1
            names.append(clean if seen[clean] == 1 else f"{clean}__{seen[clean]}")
        columns = "{" + ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names) + "}"
        try:
            con.execute(
                f"create temp table {relation} as select *, row_number() over () as _source_row_number "
                f"from read_csv({_sql_str(str(path))}, columns = {columns}, header = true, delim = ',', "
                "quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, null_padding = false, "
                "encoding = 'utf-8', parallel = false)"
            )
        except duckdb.Error as exc:
            message = str(exc)
            line = re.search(r"CSV Error on Line: (\d+)", message)
            found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
            if found:
                raise IngestError(
                    path,
                    None,
                    f"ragged CSV: line {line.group(1) if line else '?'} has {found.group(2)} fields but the "
                    f"header has {found.group(1)}; refusing rather than shifting columns",
                ) from exc
            first = message.splitlines()[0] if message else type(exc).__name__
            raise IngestError(path, None, f"CSV could not be parsed ({first})") from exc
    rows = con.execute(f"select column_name, column_type from (describe {relation})").fetchall()
    return [(r[0], r[1]) for r in rows]


# --------------------------------------------------------------------------------------------------
# normalisation to the landed column set


def _as_text(col: str) -> str:
    return f"nullif(trim(cast({_ident(col)} as varchar)), '')"


def _date_from_text(text: str) -> str:
    """US `M/D/YYYY` (padded or not) or ISO `YYYY-MM-DD[ T...]`; anything else is null (and refused)."""
    return (
        f"case when regexp_full_match({text}, '\\d{{1,2}}/\\d{{1,2}}/\\d{{4}}') "
        f"then cast(try_strptime({text}, '%m/%d/%Y') as date) "
        f"when regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([ T].*)?') "
        f"then cast(try_cast({text} as timestamptz) as date) end"
    )


def _json_object(text: str) -> str:
    """A JSON object text as MAP(VARCHAR, VARCHAR); EA writes tags without the outer braces."""
    wrapped = f"case when starts_with({text}, '{{') then {text} else '{{' || {text} || '}}' end"
    return f"try_cast(try_cast({wrapped} as json) as {MAP_STR})"


display_name = quality_azure.display_name


def _refuse_legacy(path: Path, names: list[str]) -> None:
    """Refuse the legacy pay-as-you-go usage export (`SubscriptionGuid`, `UsageDateTime`, `PreTaxCost`)."""
    keys = {header_key(n) for n in names}
    legacy = [n for n in names if header_key(n) in LEGACY_PAYG_KEYS]
    if legacy and not keys & {"billingaccountid", "billingprofileid"}:
        raise IngestError(
            path,
            None,
            "this is a legacy pay-as-you-go usage export (columns "
            + ", ".join(repr(n) for n in legacy)
            + "): it names no billing account, billing period or charge type, so its rows can be neither "
            "keyed nor reconciled to an invoice; export 'Cost and usage details (actual / amortized)' from "
            "Cost Management instead",
        )


def _legacy_refusal(path: Path) -> IngestError | None:
    """The legacy-export refusal of a CSV file, if it is one (checked before asking for its dataset)."""
    try:
        if _file_kind(path) == "csv":
            _refuse_legacy(path, _sniff_header(path))
    except IngestError as error:
        return error
    return None


def _source_format(kind: str, names: list[str]) -> str:
    """`azure-ea-csv` / `azure-mca-parquet`: the contract schema is told by the header's casing."""
    letters = [n.strip().lstrip("\ufeff")[:1] for n in names if n and n[:1].isalpha()]
    camel = sum(1 for c in letters if c.islower()) > len(letters) / 2
    return f"azure-{'mca' if camel else 'ea'}-{kind}"


def normalise(
    con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str, lineage: dict[str, str]
) -> NormalisedFile:
    """Create `relation` in the landed Azure shape from one delivered file, or raise IngestError.

    The file's facts (computed here in DuckDB) are validated by the suites in `ai_finops.quality.azure_cost`:
    schema (no scan), then values (one scan of the file).
    """
    path = source.path
    quality = current_session()
    run_name = f"{path.name} ({lineage['_delivery_id']})"
    raw_relation = f"{relation}_raw"
    columns = _read_source(con, source, raw_relation)
    names = [c for c, _ in columns if c != "_source_row_number"]
    types = dict(columns)
    keys = {c: header_key(c) for c in names}

    _refuse_legacy(path, names)

    by_target: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for col in names:
        target = _KEY_TO_COLUMN.get(keys[col])
        if target is None:
            unmapped.append(col)
        else:
            by_target.setdefault(target, []).append(col)
    for target, cols in by_target.items():  # coalesce in the order ALIASES lists the spellings
        order = ALIASES.get(target)
        if order and len(cols) > 1:
            cols.sort(key=lambda c: order.index(keys[c]) if keys[c] in order else len(order))

    localised = [c for c in unmapped if not c.isascii()]
    schema = quality_azure.schema_facts(set(by_target), localised)
    quality.check(quality_azure.SCHEMA, schema, path, run_name=run_name)

    # A row whose every field is empty carries no charge (a trailing ',,,' line): skipped and counted.
    all_empty = " and ".join(f"{_as_text(c)} is null" for c in names)
    con.execute(f"create temp view {relation}_rows as select * from {raw_relation} where not ({all_empty})")
    rows_relation = f"{relation}_rows"
    skipped = con.execute(f"select count(*) from {raw_relation} where {all_empty}").fetchone()[0]

    select: list[str] = []
    checks: list[ParseCheck] = []
    expressions: dict[str, str] = {}

    def parse_check(target: str, col: str, condition: str, parses_as: str) -> None:
        # keyed by check, so one column can fail two ways (not a number / not a finite number)
        checks.append(ParseCheck(f"{target}:{parses_as}", col, condition, _as_text(col), parses_as))

    for target, target_type in COST_DETAILS_COLUMNS.items():
        parts = []
        for col in by_target.get(target, []):
            col_type = types[col].upper()
            text = _as_text(col)
            if target_type == STRING:
                parts.append(text)
            elif target_type == DOUBLE:
                if col_type in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "HUGEINT") or col_type.startswith(
                    "DECIMAL"
                ):
                    value = f"cast({_ident(col)} as double)"
                else:
                    value = f"try_cast({text} as double)"
                    parse_check(
                        target, col, f"({text} is not null and {value} is null)", quality_azure.A_NUMBER
                    )
                parse_check(target, col, f"(isnan({value}) or isinf({value}))", quality_azure.A_FINITE_NUMBER)
                parts.append(value)
            elif target_type == DATE:
                if col_type.startswith("TIMESTAMP") or col_type == "DATE":
                    parts.append(f"cast({_ident(col)} as date)")
                else:
                    value = _date_from_text(text)
                    parse_check(
                        target, col, f"({text} is not null and ({value}) is null)", quality_azure.A_DATE
                    )
                    parts.append(value)
            else:  # MAP_STR: a JSON object, braces optional
                if col_type.startswith("MAP"):
                    parts.append(f"cast({_ident(col)} as {MAP_STR})")
                else:
                    value = _json_object(text)
                    parse_check(
                        target,
                        col,
                        f"({text} is not null and {text} <> '{{}}' and {value} is null)",
                        quality_azure.A_JSON_OBJECT,
                    )
                    parts.append(f"case when {text} is null then null else {value} end")
        if not parts:
            expr = f"cast(null as {target_type})"
        elif target_type == MAP_STR:
            expr = f"coalesce({', '.join(parts)}, cast(map() as {MAP_STR}))"
        else:
            expr = parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"
        expressions[target] = expr
        select.append(f"{expr} as {_ident(target)}")

    if "billing_currency" in by_target:
        currency = expressions["billing_currency"]
        parse_check(
            "billing_currency",
            by_target["billing_currency"][0],
            f"({currency} is not null and not regexp_full_match({currency}, '[A-Z]{{3}}'))",
            quality_azure.A_CURRENCY,
        )
    nulls = []
    for group in quality_azure.required_groups():
        present = [o for o in group if o in by_target]
        if present:  # a group of alternatives (the account columns) is empty only where all of them are
            expression = f"coalesce({', '.join(expressions[o] for o in present)})"
            nulls.append(NullCheck(group[0], by_target[present[0]][0], expression))
    values = value_facts(con, rows_relation, checks, nulls)
    quality.check(quality_azure.VALUES, values, path, run_name=run_name)
    source_format = _source_format(source.kind, names)
    select.append(f"{_sql_str(lineage['_delivery_id'])} as _delivery_id")
    select.append(f"{_sql_str(lineage['_source_file'])} as _source_file")
    select.append("cast(_source_row_number as bigint) as _source_row_number")
    select.append(f"{_sql_str(source_format)} as _source_format")
    select.append(f"cast({_sql_str(lineage['_loaded_at'])} as timestamp) as _loaded_at")
    con.execute(f"create temp view {relation} as select {', '.join(select)} from {rows_relation}")

    count = int(values["rows"].iloc[0])
    expected = getattr(source, "expected_rows", None)
    if expected is not None and expected != count + skipped:
        raise IngestError(
            path,
            "dataRowCount",
            f"the manifest {getattr(source, 'manifest_path', None)} says {expected} data rows but the file "
            f"holds {count + skipped} (a truncated or replaced blob)",
        )
    facts = {"empty_rows_skipped": skipped} if skipped else {}
    column_names = {target: cols[0] for target, cols in by_target.items()}
    return NormalisedFile(relation, source_format, count, unmapped, column_names=column_names, facts=facts)


# --------------------------------------------------------------------------------------------------
# formats


def order_facts(con: duckdb.DuckDBPyConnection, relation: str, where: str = "true") -> dict:
    """Which of two deliveries of a billing account x period is newer (runner.out_of_order): an invoiced one
    (Azure fills InvoiceId once the month is invoiced) over one that is not; else the one whose usage dates run
    later (a month-to-date export grows every day); else the later arrival (a restatement)."""
    invoices, through = con.execute(
        "select list(distinct invoice_id order by invoice_id) filter (where invoice_id is not null), "
        f"max(date) from {relation} where {where}"
    ).fetchone()
    return {
        "invoice_ids": list(invoices or []),
        "data_through": through.isoformat() if through else None,
        "invoice_column": "InvoiceId",
        "through_column": "Date",
    }


def _format(dataset: str) -> SourceFormat:
    return SourceFormat(
        provider=PROVIDER,
        source_kind=dataset,
        view_schema="raw_azure",
        view_name=DATASETS[dataset],
        columns={**COST_DETAILS_COLUMNS, **LINEAGE_COLUMNS},
        discover=functools.partial(discover, dataset=dataset),
        normalise=normalise,
        account_sql=ACCOUNT_KEY_SQL,
        period_sql="strftime(billing_period_start_date, '%Y-%m')",
        period_column="billing_period_start_date",
        cost_sql="cost_in_billing_currency",
        order_facts=order_facts,
        # actual and amortized are two halves of one bill, not rival sources of it
        companion_kinds=tuple(d for d in DATASETS if d != dataset),
    )


FORMATS: dict[str, SourceFormat] = {dataset: _format(dataset) for dataset in DATASETS}


def resolve(unit: DeliveryUnit) -> SourceFormat:
    """The landed table of a discovered unit, or the refusal discovery recorded for it."""
    error = unit.options.get("error")
    if error is not None:
        raise error
    return FORMATS[unit.options["dataset"]]


def dispatch_format(dataset: str | None = None) -> SourceFormat:
    """What `ai-finops ingest azure-cost` runs: discovery for both datasets, each unit to its own table."""
    return SourceFormat(
        provider=PROVIDER,
        source_kind="cost_details",
        view_schema="raw_azure",
        view_name="cost_details",
        columns={**COST_DETAILS_COLUMNS, **LINEAGE_COLUMNS},
        discover=functools.partial(discover, dataset=dataset),
        normalise=normalise,
        account_sql=ACCOUNT_KEY_SQL,
        period_sql="strftime(billing_period_start_date, '%Y-%m')",
        period_column="billing_period_start_date",
        cost_sql="cost_in_billing_currency",
        resolve=resolve,
    )
