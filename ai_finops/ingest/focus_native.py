"""Ingest native FOCUS exports: AWS Data Exports "FOCUS 1.0 / 1.2 with AWS columns", Azure Cost Management
FocusCost (1.0, 1.0r2, 1.2), the GCP FOCUS export, or any FOCUS 1.0-1.2 Cost and Usage file (CSV, csv.gz,
Parquet).

- **Version** from the column set (`detect_version`): any column FOCUS 1.2 added (BillingAccountType,
  SubAccountType, InvoiceId, PricingCurrency*) -> 1.2; else any column 1.1 added (CapacityReservation*,
  CommitmentDiscountQuantity / Unit, ServiceSubcategory, SkuMeter, SkuPriceDetails) -> 1.1; else 1.0.
  Refused: pre-1.0 names (ChargeType, AmortizedCost, Provider, ...), 1.3+ columns (ServiceProviderName,
  Allocated*, ContractApplied, ...), or a missing Mandatory column. (Azure's 1.0r2 has the 1.0 column set
  and lands as 1.0; its manifest, with `exportConfig.dataVersion`, is kept in `_delivery.json`.)
- **Landing**: provider folder from ProviderName (AWS -> aws, Microsoft -> azure, Google Cloud -> gcp; any
  other provider is refused), source kind `focus`, billing account = BillingAccountId, billing period =
  the month of BillingPeriodStart. One file may hold several providers, accounts and months.
- **Values**: CSV nulls are empty fields or the unquoted token `NULL` (the official FOCUS sample uses it);
  date/times may be ISO 8601 with or without `T`/`Z` (a time without zone is UTC, as FOCUS requires);
  numbers must be plain decimals; Tags / SkuPriceDetails must be JSON objects (Parquet maps become JSON).
- **Upgrade to 1.2** is done in dbt (`int_focus__focus_line_items`); ingest refuses rows that would still
  break a FOCUS 1.2 rule after it (`ROW_CHECKS`), naming file, column and problem, with every other
  problem found kept in REASON.json. Nothing of a refused file lands.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from functools import cache
from pathlib import Path

import duckdb

from ai_finops import paths
from ai_finops.errors import IngestError
from ai_finops.ingest.focus_native_schema import (
    ADDED_AFTER_1_2,
    ADDED_IN_1_1,
    ADDED_IN_1_2,
    DOUBLE,
    ENUMERATIONS,
    FOCUS_1_2_COLUMNS,
    JSON_COLUMNS,
    LANDED_COLUMNS,
    LANDED_PROVIDERS,
    MANDATORY_COLUMNS,
    NOT_NULL_COLUMNS,
    PRE_1_0_NAMES,
    PROVIDER_COLUMNS,
    PROVIDER_NAMES,
    TIMESTAMP,
)
from ai_finops.ingest.formats import DeliveryUnit, NormalisedFile, SourceFile, SourceFormat
from ai_finops.quality import focus_native as quality_focus
from ai_finops.quality.facts import ParseCheck, value_facts
from ai_finops.quality.gx import current_session

SOURCE_KIND = "focus"
_DATA_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".gz")


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------------------------------
# discovery: loose files (one delivery per folder) or manifests (AWS Data Exports, Azure exports)


def _is_data_file(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(".json") or name.startswith((".", "_")):
        return False
    return name.endswith(_DATA_SUFFIXES)


def _file_kind(path: Path) -> str:
    return "parquet" if path.name.lower().endswith(".parquet") else "csv"


def _is_manifest(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith("manifest.json")


def _resolve(key: str, manifest_path: Path) -> Path | None:
    """The local file a manifest entry names: the longest tail of the key found under an ancestor folder."""
    parts = [p for p in re.sub(r"^[a-z0-9]+://[^/]+/", "", key).split("/") if p]
    for ancestor in [manifest_path.parent, *manifest_path.parents]:
        for start in range(len(parts)):
            candidate = ancestor.joinpath(*parts[start:])
            if candidate.is_file():
                return candidate
        if ancestor == ancestor.parent:
            break
    return None


def _load_manifest(manifest_path: Path) -> DeliveryUnit:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8-sig"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IngestError(manifest_path, None, f"manifest is not readable JSON ({exc})") from exc
    if not isinstance(manifest, dict):
        raise IngestError(manifest_path, None, "manifest is not a JSON object")
    export = manifest.get("exportConfig") if isinstance(manifest.get("exportConfig"), dict) else {}
    export_type = str(export.get("type") or "")
    if export_type and export_type.lower() not in ("focuscost", "focus"):
        raise IngestError(
            manifest_path,
            "exportConfig.type",
            f"the manifest describes a {export_type!r} export, not a FOCUS (FocusCost) export; "
            "use the provider's own ingest for it",
        )
    entries: list[str] = []
    for key in ("reportKeys", "dataFiles", "blobs"):
        value = manifest.get(key)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    entries.append(item)
                elif isinstance(item, dict):
                    entries.append(str(item.get("blobName") or item.get("key") or ""))
            break
    entries = [e for e in entries if e]
    if not entries:
        raise IngestError(manifest_path, "blobs", "the manifest lists no data files")
    files = []
    for entry in entries:
        local = _resolve(entry, manifest_path)
        if local is None:
            raise IngestError(manifest_path, None, f"the manifest names a file that is not here: {entry}")
        files.append(SourceFile(local, _file_kind(local)))
    period = None
    billing_period = manifest.get("billingPeriod")
    run_info = manifest.get("runInfo") if isinstance(manifest.get("runInfo"), dict) else {}
    start = (
        (billing_period or {}).get("start") if isinstance(billing_period, dict) else run_info.get("startDate")
    )
    if isinstance(start, str) and len(re.sub(r"[^0-9]", "", start)) >= 6:
        digits = re.sub(r"[^0-9]", "", start)
        period = f"{digits[:4]}-{digits[4:6]}"
    else:
        match = re.search(r"BILLING_PERIOD=(\d{4}-\d{2})", str(manifest_path))
        period = match.group(1) if match else None
    return DeliveryUnit(
        files=files,
        manifest_path=manifest_path,
        manifest=manifest,
        manifest_period=period,
        label=str(manifest_path),
    )


def discover(inputs: list[Path]) -> list[DeliveryUnit]:
    """Turn arguments (files, manifests, export folders) into delivery units, in argument order."""
    units: list[DeliveryUnit] = []
    loose: dict[Path, list[Path]] = {}
    for path in inputs:
        if not path.exists():
            raise IngestError(path, None, "no such file or folder")
        if _is_manifest(path):
            units.append(_load_manifest(path))
        elif path.is_file():
            loose.setdefault(path.parent, []).append(path)
        else:
            # Each manifest is a delivery; data files no manifest names are loose files of their folder.
            manifests = [
                _load_manifest(m)
                for m in sorted(p for p in path.rglob("*") if _is_manifest(p) and ".staging" not in p.parts)
            ]
            named = {f.path.resolve() for unit in manifests for f in unit.files}
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and _is_data_file(p) and p.resolve() not in named
            )
            if not manifests and not files:
                raise IngestError(
                    path, None, "the folder holds no FOCUS data files (.csv, .csv.gz, .parquet)"
                )
            units.extend(manifests)
            for file in files:
                loose.setdefault(file.parent, []).append(file)
    for folder, files in loose.items():
        unique = sorted(set(files))
        label = str(unique[0]) if len(unique) == 1 else f"{folder} ({len(unique)} files)"
        units.append(DeliveryUnit([SourceFile(f, _file_kind(f)) for f in unique], label=label))
    return units


# --------------------------------------------------------------------------------------------------
# reading one file as delivered


def _open_text(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return path.open("r", encoding="utf-8-sig", newline="")


def _csv_header(path: Path) -> list[str]:
    try:
        with _open_text(path) as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise IngestError(path, None, f"not a readable UTF-8 CSV file ({exc})") from exc
    if not first.strip():
        raise IngestError(path, None, "the file is empty (no header row)")
    return next(csv.reader([first]))


def _read_source(con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str) -> list[tuple[str, str]]:
    """Load the file as delivered into `relation` plus `_source_row_number`; return [(column, type)]."""
    path = source.path
    if source.kind == "parquet":
        try:
            con.execute(
                f"create temp view {relation} as select *, file_row_number + 1 as _source_row_number "
                f"from read_parquet({_sql_str(str(path))}, file_row_number = true)"
            )
            con.execute(f"describe {relation}")
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise IngestError(path, None, f"not a readable Parquet file ({first})") from exc
    else:
        header = _csv_header(path)
        seen: dict[str, int] = {}
        names = []
        for name in header:
            clean = name.strip().lstrip("\ufeff") or "unnamed"
            key = clean.lower()  # DuckDB names are case-insensitive
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1 and key in _KNOWN:
                first = next(n for n in names if n.lower() == key)
                raise IngestError(
                    path, clean, f"the file has column {_KNOWN[key]!r} twice ({first!r} and {clean!r})"
                )
            names.append(clean if seen[key] == 1 else f"{clean}__{seen[key]}")
        columns = "{" + ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names) + "}"
        try:
            # Nulls: an empty field or the unquoted token NULL; a quoted "NULL" stays text.
            con.execute(
                f"create temp table {relation} as select *, row_number() over () as _source_row_number "
                f"from read_csv({_sql_str(str(path))}, columns = {columns}, header = true, delim = ',', "
                "quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, null_padding = false, "
                "nullstr = ['NULL', ''], allow_quoted_nulls = false, encoding = 'utf-8', parallel = false)"
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
# columns and version


_KNOWN = {name.lower(): name for name in (*FOCUS_1_2_COLUMNS, *PROVIDER_COLUMNS)}


def map_columns(path: Path, columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """({landed column: delivered column}, [unmapped delivered columns]). FOCUS names match case-insensitively."""
    mapped: dict[str, str] = {}
    unmapped: list[str] = []
    for column in columns:
        if column == "_source_row_number":
            continue
        target = _KNOWN.get(column.strip().lstrip("\ufeff").lower())
        if target is None:
            unmapped.append(column)
        elif target in mapped:
            raise IngestError(
                path, column, f"the file has column {target!r} twice ({mapped[target]!r} and {column!r})"
            )
        else:
            mapped[target] = column
    return mapped, unmapped


def detect_version(path: Path, present: set[str], unmapped: list[str]) -> str:
    """The FOCUS version a column set was exported in: '1.2', '1.1' or '1.0', or IngestError."""
    lowered = {c.lower() for c in unmapped}
    newer = [c for c in ADDED_AFTER_1_2 if c.lower() in lowered]
    if newer:
        raise IngestError(
            path,
            newer[0],
            f"FOCUS 1.3 or later (columns {', '.join(newer)}); this ingest reads FOCUS 1.0 to 1.2 Cost and Usage "
            "exports (no provider exports 1.3 natively yet)",
        )
    if not present & set(MANDATORY_COLUMNS):
        older = [c for c in PRE_1_0_NAMES if c.lower() in lowered]
        if older:
            raise IngestError(
                path,
                older[0],
                f"FOCUS 0.5 / 1.0-preview column names ({', '.join(older)}); export FOCUS 1.0 or later "
                "(1.0 renamed ChargeType to ChargeCategory, AmortizedCost to EffectiveCost, Provider to ProviderName)",
            )
        raise IngestError(
            path, None, "not a FOCUS Cost and Usage file: none of its columns is a FOCUS column"
        )
    if present & set(ADDED_IN_1_2):
        version = "1.2"
    elif present & set(ADDED_IN_1_1):
        version = "1.1"
    else:
        version = "1.0"
    missing = [c for c in MANDATORY_COLUMNS if c not in present]
    if missing:
        raise IngestError(
            path,
            missing[0],
            f"a Mandatory FOCUS column is missing (FOCUS {version} detected from the column set); "
            f"missing: {', '.join(missing)}",
        )
    return version


# --------------------------------------------------------------------------------------------------
# typing: one expression per landed column, and the value checks that make it safe


def _text(col: str) -> str:
    return f"nullif(trim(cast({_ident(col)} as varchar)), '')"


def _typed(col: str, delivered_type: str, target_type: str, json_column: bool) -> tuple[str, str | None, str]:
    """(expression, SQL true where a delivered value is bad or None, what a good value is)."""
    family = delivered_type.upper()
    nested = family.startswith(("MAP", "STRUCT")) or family.endswith("[]")
    if target_type == DOUBLE:
        if family in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "HUGEINT") or family.startswith(
            "DECIMAL"
        ):
            value = f"cast({_ident(col)} as double)"
            return value, f"(isnan({value}) or isinf({value}))", "a finite number"
        text = _text(col)
        parsed = f"try_cast({text} as double)"
        return (
            parsed,
            f"({text} is not null and ({parsed} is null or isnan({parsed}) or isinf({parsed})))",
            "a plain decimal number (no thousands separators, currency symbols or units)",
        )
    if target_type == TIMESTAMP:
        if family.startswith("TIMESTAMP") or family == "DATE":
            return f"cast(cast({_ident(col)} as timestamptz) as timestamp)", None, "a date/time"
        text = _text(col)
        parsed = f"try_cast({text} as timestamptz)"
        return (
            f"cast({parsed} as timestamp)",
            f"({text} is not null and {parsed} is null)",
            "an ISO 8601 date/time (YYYY-MM-DDTHH:mm:ssZ)",
        )
    if json_column:
        text = f"nullif(trim(to_json({_ident(col)})::varchar), 'null')" if nested else _text(col)
        return (
            text,
            f"({text} is not null and (not coalesce(json_valid({text}), false) "
            f"or json_type(try_cast({text} as json)) <> 'OBJECT'))",
            "a JSON object",
        )
    if nested:
        return f"to_json({_ident(col)})::varchar", None, "text"
    return _text(col), None, "text"


# --------------------------------------------------------------------------------------------------
# the service map the dbt upgrade uses (seeds), so ingest knows what the upgrade can derive


def _seeds_dir() -> Path:
    return paths.project_root() / "seeds"


@cache
def _service_subcategories() -> tuple[tuple[str, str], ...]:
    with (_seeds_dir() / "focus_service_subcategories.csv").open(newline="") as handle:
        return tuple((r["service_category"], r["service_subcategory"]) for r in csv.DictReader(handle))


@cache
def service_map() -> tuple[tuple[str, str, str, str], ...]:
    """(provider, ServiceName, ServiceCategory, ServiceSubcategory) the upgrade applies by ServiceName:
    seeds/aws_service_categories.csv for aws (one pair per service name, asserted by a seed test) and
    seeds/focus_native_service_categories.csv for every provider."""
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    with (_seeds_dir() / "aws_service_categories.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            rows.setdefault(("aws", r["service_name"]), (r["service_category"], r["service_subcategory"]))
    with (_seeds_dir() / "focus_native_service_categories.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            rows.setdefault(
                (r["provider"], r["service_name"]), (r["service_category"], r["service_subcategory"])
            )
    return tuple((p, n, c, s) for (p, n), (c, s) in sorted(rows.items()))


def _values_table(con, name: str, columns: list[str], rows) -> None:
    con.execute(f"create or replace temp table {name} ({', '.join(f'{c} varchar' for c in columns)})")
    if rows:
        con.executemany(f"insert into {name} values ({', '.join('?' for _ in columns)})", list(rows))


# --------------------------------------------------------------------------------------------------
# the FOCUS 1.2 rules a landed row must meet after the dbt upgrade (mirrors int_focus__focus_line_items
# and tests/dbt/focus/assert_focus_row_rules.sql). Each: (column named in the message, SQL true on a bad
# row over the relation `checked`, problem).

_COMMITMENT_PURCHASE = (
    "ChargeCategory = 'Purchase' and CommitmentDiscountId is not null and ChargeClass is null"
)
_NEEDS_COMMITMENT_QUANTITY = (
    "CommitmentDiscountId is not null and ChargeCategory in ('Usage', 'Purchase') and ChargeClass is null "
    "and CommitmentDiscountQuantity is null"
)


def _money_matches(total: str, unit_price: str) -> str:
    product = f"({unit_price} * PricingQuantity)"
    return (
        f"{unit_price} is not null and PricingQuantity is not null and ChargeClass is null "
        f"and abs({total} - {product}) > 1e-6 * abs({product}) + 1e-9"
    )


ROW_CHECKS: list[tuple[str, str, str]] = [
    (
        "ProviderName",
        "x_source_provider is null",
        "names a provider this project does not land (AWS, Microsoft or Google Cloud only)",
    ),
    *[(c, f"{_ident(c)} is null", "has no value (must not be null in FOCUS 1.2)") for c in NOT_NULL_COLUMNS],
    *[
        (
            c,
            f"{_ident(c)} is not null and {_ident(c)} not in ({', '.join(_sql_str(v) for v in values)})",
            f"is not one of the FOCUS values ({', '.join(values)})",
        )
        for c, values in ENUMERATIONS.items()
    ],
    (
        "BillingCurrency",
        "not regexp_full_match(BillingCurrency, '[A-Z]{3}')",
        "is not an ISO 4217 currency code",
    ),
    (
        "ServiceCategory",
        "ServiceCategory not in (select service_category from focus_categories)",
        "is not a FOCUS 1.2 ServiceCategory",
    ),
    (
        "ServiceSubcategory",
        "seed_category is null and ServiceSubcategory is not null and (ServiceCategory, ServiceSubcategory) "
        "not in (select (service_category, service_subcategory) from focus_categories)",
        "is not a FOCUS 1.2 ServiceSubcategory of the row's ServiceCategory",
    ),
    (
        "ServiceCategory",
        "seed_category is null and ServiceName in (select ServiceName from services_with_two_categories)",
        "differs for one ServiceName within the file; FOCUS 1.2 gives each ServiceName one ServiceCategory "
        "(add the service to seeds/focus_native_service_categories.csv to upgrade it)",
    ),
    (
        "ChargeFrequency",
        "ChargeFrequency is null and ChargeCategory <> 'Usage'",
        "is null and cannot be derived for a row that is not Usage",
    ),
    (
        "ChargeFrequency",
        "ChargeFrequency = 'Usage-Based' and ChargeCategory = 'Purchase'",
        "is Usage-Based on a Purchase row",
    ),
    ("ChargePeriodEnd", "ChargePeriodStart > ChargePeriodEnd", "is before ChargePeriodStart"),
    ("BillingPeriodEnd", "BillingPeriodStart >= BillingPeriodEnd", "is not after BillingPeriodStart"),
    ("ListCost", _money_matches("ListCost", "ListUnitPrice"), "differs from ListUnitPrice x PricingQuantity"),
    (
        "ContractedCost",
        _money_matches("ContractedCost", "ContractedUnitPrice"),
        "differs from ContractedUnitPrice x PricingQuantity",
    ),
    *[
        (
            cost,
            f"ChargeCategory = 'Credit' and {cost} <> BilledCost",
            "differs from BilledCost on a Credit row (a credit's Effective, List and ContractedCost are its BilledCost)",
        )
        for cost in ("EffectiveCost", "ListCost", "ContractedCost")
    ],
    (
        "EffectiveCost",
        f"{_COMMITMENT_PURCHASE} and EffectiveCost <> 0",
        "is not 0 on a commitment purchase",
    ),
    (
        "PricingCategory",
        "CommitmentDiscountStatus = 'Used' and PricingCategory is distinct from 'Committed'",
        "is not Committed on usage a commitment covers",
    ),
    (
        "PricingQuantity",
        "ChargeCategory = 'Tax' and (PricingQuantity is not null or PricingCategory is not null "
        "or SkuId is not null or SkuPriceId is not null or ListUnitPrice is not null)",
        "is set on a Tax row (Tax rows carry no PricingQuantity, PricingCategory, SkuId, SkuPriceId or ListUnitPrice)",
    ),
    (
        "PricingQuantity",
        "ChargeCategory in ('Usage', 'Purchase') and ChargeClass is null and PricingQuantity is null",
        "is null on a Usage or Purchase row",
    ),
    (
        "PricingCategory",
        "ChargeCategory = 'Usage' and ChargeClass is null and PricingCategory is null",
        "is null on a Usage row",
    ),
    (
        "ConsumedQuantity",
        "ConsumedQuantity is not null and (ChargeCategory <> 'Usage' or CommitmentDiscountStatus = 'Unused')",
        "is set outside a used Usage row",
    ),
    (
        "PricingUnit",
        "(PricingUnit is null) <> (PricingQuantity is null)",
        "must be set exactly where PricingQuantity is set",
    ),
    (
        "ConsumedUnit",
        "(ConsumedUnit is null) <> (ConsumedQuantity is null)",
        "must be set exactly where ConsumedQuantity is set",
    ),
    (
        "RegionName",
        "(RegionName is null) <> (RegionId is null)",
        "must be set exactly where RegionId is set",
    ),
    (
        "CapacityReservationStatus",
        "CapacityReservationStatus is not null and CapacityReservationId is null",
        "is set without a CapacityReservationId",
    ),
    (
        "ResourceType",
        f"ResourceType is not null and ResourceId is null and not ({_COMMITMENT_PURCHASE})",
        "is set without a ResourceId",
    ),
    (
        "ResourceType",
        "ResourceType is null and x_source_provider <> 'aws' and ("
        f"(ResourceId is not null and not ({_COMMITMENT_PURCHASE})) "
        f"or (({_COMMITMENT_PURCHASE}) and CommitmentDiscountType is null))",
        "is null where ResourceId is set, and cannot be derived (derived only for AWS ids and commitment purchases)",
    ),
    (
        "SkuMeter",
        "SkuId is not null and coalesce(SkuMeter, x_UsageType, x_SkuMeterName) is null",
        "is null where SkuId is set, and cannot be derived (from x_UsageType or x_SkuMeterName)",
    ),
    ("SkuMeter", "SkuId is null and SkuMeter is not null", "is set without a SkuId"),
    (
        "CommitmentDiscountId",
        "CommitmentDiscountId is null and (CommitmentDiscountStatus is not null "
        "or CommitmentDiscountCategory is not null or CommitmentDiscountQuantity is not null)",
        "is null on a row that carries commitment attributes",
    ),
    (
        "CommitmentDiscountStatus",
        "CommitmentDiscountId is not null and ChargeCategory = 'Usage' and CommitmentDiscountStatus is null",
        "is null on commitment usage",
    ),
    (
        "CommitmentDiscountQuantity",
        "CommitmentDiscountQuantity is not null and ChargeClass is not null",
        "is set on a correction",
    ),
    (
        "CommitmentDiscountQuantity",
        f"{_NEEDS_COMMITMENT_QUANTITY} and (CommitmentDiscountCategory is null or "
        "(CommitmentDiscountCategory = 'Usage' and (PricingQuantity is null or PricingUnit is null)))",
        "is null and cannot be derived (from PricingQuantity / PricingUnit for a Usage commitment, from "
        "BilledCost or EffectiveCost for a Spend commitment; needs CommitmentDiscountCategory)",
    ),
    (
        "CommitmentDiscountUnit",
        "(CommitmentDiscountUnit is null) <> (CommitmentDiscountQuantity is null) "
        f"and not ({_NEEDS_COMMITMENT_QUANTITY})",
        "must be set exactly where CommitmentDiscountQuantity is set",
    ),
]


def _row_facts(con, relation: str, names: dict[str, str], version: str):
    """One row per ROW_CHECKS rule: how many rows of `relation` break it, the first and its value (one scan)."""
    _values_table(
        con, "focus_categories", ["service_category", "service_subcategory"], _service_subcategories()
    )
    _values_table(
        con,
        "focus_service_map",
        ["provider", "service_name", "service_category", "service_subcategory"],
        service_map(),
    )
    con.execute(
        f"""
        create or replace temp view checked as
        select rel.*, svc.service_category as seed_category
        from {relation} as rel
        left join focus_service_map as svc
            on svc.provider = rel.x_source_provider and svc.service_name = rel.ServiceName
        """
    )
    con.execute(
        """
        create or replace temp view services_with_two_categories as
        select ServiceName from checked where seed_category is null and ServiceCategory is not null
        group by ServiceName having count(distinct ServiceCategory) > 1
        """
    )
    checks = [
        ParseCheck(
            f"{index}:{column}",
            names.get(column, column),
            f"coalesce({condition}, false)",
            f"cast({_ident(column)} as varchar)",
            problem,
        )
        for index, (column, condition, problem) in enumerate(ROW_CHECKS)
    ]
    frame = quality_focus.shown(value_facts(con, "checked", checks, []))
    frame["version"] = version
    return frame


# --------------------------------------------------------------------------------------------------
# normalise one file to the landed shape


def read_landed(
    con: duckdb.DuckDBPyConnection, source: SourceFile, relation: str, lineage: dict[str, str]
) -> tuple[str, str, dict[str, str], list[str], int]:
    """Create `relation` (the landed columns, typed) from one delivered FOCUS file: the reading half of
    `normalise`, before the FOCUS 1.2 row checks. Returns (version, source format, {landed column: delivered
    column}, unmapped delivered columns, row count); raises IngestError for an unreadable file, an unknown
    version, a missing Mandatory column or a value of the wrong type."""
    path = source.path
    raw = f"{relation}_raw"
    delivered = _read_source(con, source, raw)
    types = dict(delivered)
    mapped, unmapped = map_columns(path, [c for c, _ in delivered])
    version = detect_version(path, set(mapped), unmapped)
    recorded_version = version

    select: list[str] = []
    checks: list[tuple[str, str, str]] = []
    for target, target_type in {**FOCUS_1_2_COLUMNS, **PROVIDER_COLUMNS}.items():
        col = mapped.get(target)
        if col is None:
            select.append(f"cast(null as {target_type}) as {_ident(target)}")
            continue
        expr, bad, what = _typed(col, types[col], target_type, target in JSON_COLUMNS)
        if bad:
            checks.append((col, bad, what))
        select.append(f"cast({expr} as {target_type}) as {_ident(target)}")

    parses = [
        ParseCheck(f"{index}:{col}", col, f"({cond})", _text(col), what)
        for index, (col, cond, what) in enumerate(checks)
    ]
    current_session().check(
        quality_focus.VALUES,
        value_facts(con, raw, parses, []),
        path,
        run_name=f"{path.name} ({lineage['_delivery_id']})",
    )

    provider_case = (
        "case lower(nullif(trim(cast("
        + (_ident(mapped["ProviderName"]))
        + " as varchar)), '')) "
        + " ".join(f"when {_sql_str(name)} then {_sql_str(p)}" for name, p in PROVIDER_NAMES.items())
        + " end"
    )
    select.append(f"{provider_case} as x_source_provider")
    select.append(f"{_sql_str(recorded_version)} as x_source_focus_version")
    select.append(f"{_sql_str(lineage['_delivery_id'])} as _delivery_id")
    select.append(f"{_sql_str(lineage['_source_file'])} as _source_file")
    select.append("cast(_source_row_number as bigint) as _source_row_number")
    source_format = f"focus-{version}-{source.kind}"
    select.append(f"{_sql_str(source_format)} as _source_format")
    select.append(f"cast({_sql_str(lineage['_loaded_at'])} as timestamp) as _loaded_at")
    con.execute(f"create temp table {relation} as select {', '.join(select)} from {raw}")

    count = con.execute(f"select count(*) from {relation}").fetchone()[0]
    return recorded_version, source_format, mapped, unmapped, count


def normalise(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    relation: str,
    lineage: dict[str, str],
) -> NormalisedFile:
    """Create `relation` (the landed columns) from one delivered FOCUS file, or raise IngestError."""
    path = source.path
    recorded_version, source_format, mapped, unmapped, count = read_landed(con, source, relation, lineage)
    current_session().check(
        quality_focus.ROWS,
        _row_facts(con, relation, mapped, recorded_version),
        path,
        run_name=f"{path.name} ({lineage['_delivery_id']})",
    )
    return NormalisedFile(relation, source_format, count, unmapped, column_names=dict(mapped))


def order_facts(con: duckdb.DuckDBPyConnection, relation: str, where: str = "true") -> dict:
    """Which of two deliveries of a key is newer: its invoice ids and how far its charges run."""
    invoices, through = con.execute(
        f"select list(distinct InvoiceId order by InvoiceId) filter (where InvoiceId is not null), "
        f"max(ChargePeriodStart) from {relation} where {where}"
    ).fetchone()
    return {
        "invoice_ids": list(invoices or []),
        "data_through": through.isoformat() if through else None,
        "invoice_column": "InvoiceId",
        "through_column": "ChargePeriodStart",
    }


# One format for every provider's native FOCUS export: each row lands under the provider its ProviderName names
# (`provider_sql`); `provider` is only a label here, never a folder.
FORMAT = SourceFormat(
    provider="*",
    source_kind=SOURCE_KIND,
    view_schema="raw_focus",
    view_name="focus_line_items",
    columns=LANDED_COLUMNS,
    discover=discover,
    normalise=normalise,
    account_sql="BillingAccountId",
    period_sql="strftime(BillingPeriodStart, '%Y-%m')",
    period_column="BillingPeriodStart",
    cost_sql="BilledCost",
    order_facts=order_facts,
    provider_sql="x_source_provider",
    landing_providers=LANDED_PROVIDERS,
)
