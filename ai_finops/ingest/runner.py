"""Land deliveries: validate, normalise, split by (billing account, billing period), swap in atomically.

Validation is the format's Great Expectations suites (`ai_finops.quality`), run on facts computed in DuckDB
before anything lands. A refused delivery is copied to the quarantine with a `REASON.json`.

Which of two deliveries of one billing account x period is newer is read from the rows (manifests carry ids,
not times, and file times do not survive a copy), see `out_of_order`: an older delivery that arrives after
a newer one is refused and never replaces it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ai_finops import paths
from ai_finops.errors import IngestError, LandingError
from ai_finops.ingest import aws_cur
from ai_finops.ingest.formats import DeliveryUnit, SourceFormat
from ai_finops.ingest.views import refresh_views
from ai_finops.landing import (
    LandingKey,
    StagedDelivery,
    landed_under_other_source_kinds,
    new_delivery_id,
    quarantine,
    sha256_of,
    staging_area,
    swap_in,
    utc_now,
    write_delivery_json,
)
from ai_finops.quality.gx import current_session, quality_session


@dataclass
class LandedDelivery:
    key: LandingKey
    delivery_id: str
    rows: int
    billed_cost: float
    folder: Path
    replaced: bool
    superseded: list[LandingKey] = field(default_factory=list)  # other sources moved to the archive


@dataclass
class Refusal:
    label: str
    message: str
    quarantined_to: Path | None


@dataclass
class IngestReport:
    landed: list[LandedDelivery] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # warning-level quality findings of landed files
    data_docs: Path | None = None  # the GX Data Docs index written for this run

    @property
    def ok(self) -> bool:
        return not self.refused


def out_of_order(new: dict, current: dict) -> tuple[str, str] | None:
    """(column, problem) when the new delivery of a key is older than the landed one, else None.

    1. An invoiced delivery (the rows carry invoice ids) is newer than one that is not: the invoice id
       appears only once the month is closed and never goes away.
    2. Between two deliveries that are not invoiced yet, the one whose usage runs later is newer: an open
       month grows with every refresh.
    3. Otherwise (both invoiced, or reaching as far) the later arrival is a restatement and replaces.
    """
    if current.get("invoice_ids") and not new.get("invoice_ids"):
        return (
            new.get("invoice_column"),
            f"out of order: the landed delivery {current['delivery_id']} of this billing period is already "
            f"invoiced ({', '.join(current['invoice_ids'])}) and this one carries no invoice id, so it is "
            "older; it does not replace the landed one",
        )
    new_through, current_through = new.get("data_through"), current.get("data_through")
    if (
        not current.get("invoice_ids")
        and not new.get("invoice_ids")
        and new_through
        and current_through
        and datetime.fromisoformat(new_through) < datetime.fromisoformat(current_through)
    ):
        return (
            new.get("through_column"),
            f"out of order: this delivery has usage up to {new_through} but the landed delivery "
            f"{current['delivery_id']} of this billing period already reaches {current_through}, so this one "
            "is older; it does not replace the landed one",
        )
    return None


def _landed_delivery(fmt: SourceFormat, con: duckdb.DuckDBPyConnection, key: LandingKey, raw_root: Path):
    """The current delivery of `key` with its order facts, or None."""
    period_dir = key.period_dir(raw_root)
    folders = sorted(period_dir.glob("delivery=*")) if period_dir.exists() else []
    if not folders or fmt.order_facts is None:
        return None
    folder = folders[-1]
    try:
        meta = json.loads((folder / "_delivery.json").read_text())
    except (OSError, json.JSONDecodeError):
        meta = {}
    facts = {"delivery_id": meta.get("delivery_id", folder.name.removeprefix("delivery="))}
    if "data_through" in meta and "invoice_ids" in meta:
        facts.update(data_through=meta["data_through"], invoice_ids=meta["invoice_ids"])
    else:  # landed before these facts were recorded: read them from its rows
        pattern = str(folder / "*.parquet").replace("'", "''")
        con.execute(f"create or replace temp view landed_current as select * from read_parquet('{pattern}')")
        facts.update(fmt.order_facts(con, "landed_current", "true"))
    return facts


def _landed_variants(fmt: SourceFormat, key: LandingKey, raw_root: Path) -> set[str]:
    """The variants (`SourceFormat.variant_of`) of the files of the current delivery of `key`."""
    period_dir = key.period_dir(raw_root)
    variants: set[str] = set()
    for meta_path in sorted(period_dir.glob("delivery=*/_delivery.json")) if period_dir.exists() else []:
        try:
            files = json.loads(meta_path.read_text()).get("source_files") or []
        except (OSError, json.JSONDecodeError):
            continue
        variants.update(fmt.variant_of(f["format"]) for f in files if f.get("format") and fmt.variant_of)
    return variants


def overlapping_sources(
    fmt: SourceFormat, key: LandingKey, variants: set[str], raw_root: Path
) -> list[tuple[LandingKey, str]]:
    """Current deliveries holding the bill of `key` (provider x billing account x billing period) from another
    source, with a description: every other source kind (raw export vs native FOCUS: landing both would count
    the bill twice), and, for formats with `variant_of`, a delivery of this source kind from another variant
    (AWS legacy CUR vs CUR 2.0: the same bill from a different export; it would silently replace it)."""
    found = [
        (other, f"source kind {other.source_kind!r}")
        for other in landed_under_other_source_kinds(key, raw_root)
        if other.source_kind not in fmt.companion_kinds
    ]
    if fmt.variant_of is not None:
        landed = _landed_variants(fmt, key, raw_root)
        if landed and landed != variants:
            found.append(
                (key, f"{', '.join(sorted(landed))} (this delivery is {', '.join(sorted(variants))})")
            )
    return found


def _land_unit(
    fmt: SourceFormat, unit: DeliveryUnit, raw_root: Path, archive_root: Path, supersede: bool = False
) -> list[LandedDelivery]:
    loaded_at = utc_now()
    hashes = {f.path: sha256_of(f.path) for f in unit.files}
    first_of: dict[str, Path] = {}
    for source in unit.files:
        twin = first_of.setdefault(hashes[source.path], source.path)
        if twin != source.path:
            raise IngestError(
                source.path,
                None,
                f"the same bytes as {twin.name} in this delivery: the file is delivered twice; refusing rather "
                "than counting its lines twice",
            )
    delivery_id = new_delivery_id(loaded_at, hashes.values())
    quality = current_session()
    warnings_before = len(quality.warnings)
    loaded_at_text = loaded_at.strftime("%Y-%m-%d %H:%M:%S.%f")
    scratch = staging_area(raw_root)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set preserve_insertion_order = true")
        # The same memory budget as dbt's profile; larger files spill to disk instead of growing.
        con.execute(f"set memory_limit = '{os.environ.get('AI_FINOPS_DUCKDB_MEMORY_LIMIT', '6GB')}'")
        spill = str(scratch / ".spill").replace("'", "''")
        con.execute(f"set temp_directory = '{spill}'")
        relations = []
        file_facts = []
        column_names: dict[str, dict[str, str]] = {}
        for index, source in enumerate(unit.files):
            normalised = fmt.normalise(
                con,
                source,
                f"file_{index}",
                {
                    "_delivery_id": delivery_id,
                    "_source_file": str(source.path),
                    "_loaded_at": loaded_at_text,
                },
            )
            relations.append(normalised.relation)
            file_facts.append(
                {
                    "path": str(source.path),
                    "sha256": hashes[source.path],
                    "rows": normalised.row_count,
                    "format": normalised.source_format,
                    "unmapped_columns": normalised.unmapped_columns,
                    **normalised.facts,
                }
            )
            column_names[str(source.path)] = normalised.column_names
        con.execute(
            "create temp view delivery as "
            + " union all by name ".join(f"select * from {r}" for r in relations)
        )
        if fmt.check_delivery is not None:
            fmt.check_delivery(con, "delivery", unit.label, column_names)
        provider_sql = fmt.provider_sql or _sql_str(fmt.provider)
        keys = con.execute(
            f"select {provider_sql}, {fmt.account_sql}, {fmt.period_sql}, count(*), sum({fmt.cost_sql}) "
            "from delivery group by all order by all"
        ).fetchall()
        if unit.manifest_period is not None:
            periods = sorted({k[2] for k in keys})
            if periods != [unit.manifest_period]:
                raise IngestError(
                    unit.manifest_path or unit.label,
                    "billingPeriod",
                    f"the manifest says billing period {unit.manifest_period} but the rows' "
                    f"{fmt.period_column} says {', '.join(periods)}",
                )
        staged: list[StagedDelivery] = []
        results: list[tuple[LandingKey, int, float]] = []
        unit_warnings = [w.as_dict() for w in quality.warnings[warnings_before:]]
        variants = {fmt.variant_of(f["format"]) for f in file_facts} if fmt.variant_of else set()
        for index, (provider, payer, period, rows, billed) in enumerate(keys):
            key = LandingKey(provider, fmt.source_kind, payer, period)
            where = (
                f"{provider_sql} = {_sql_str(provider)} and {fmt.account_sql} = {_sql_str(payer)} "
                f"and {fmt.period_sql} = {_sql_str(period)}"
            )
            overlaps = overlapping_sources(fmt, key, variants, raw_root)
            if overlaps and not supersede:
                raise IngestError(
                    unit.manifest_path or unit.label,
                    None,
                    f"{provider} billing account {payer} period {period} is already landed from "
                    f"{'; '.join(what for _, what in overlaps)}: the same bill from another source, which would "
                    "be counted twice or replaced unnoticed. Re-run with --supersede to replace it (the landed "
                    "delivery moves to the archive)",
                )
            order, landed = {}, None
            if fmt.order_facts is not None:
                order = fmt.order_facts(con, "delivery", where)
                landed = _landed_delivery(fmt, con, key, raw_root)
                problem = out_of_order(order, landed) if landed else None
                if problem:
                    raise IngestError(
                        unit.manifest_path or unit.label, problem[0], f"{payer} {period}: {problem[1]}"
                    )
            folder = scratch / f"key-{index:05d}"
            folder.mkdir()
            con.execute(
                f"copy (select * from delivery where {where}) "
                f"to '{folder / 'part-00000.parquet'}' (format parquet, compression zstd, row_group_size 122880)"
            )
            staged.append(
                StagedDelivery(
                    key=key,
                    delivery_id=delivery_id,
                    folder=folder,
                    metadata={
                        "provider": key.provider,
                        "source_kind": key.source_kind,
                        "billing_account": payer,
                        "billing_period": period,
                        "delivery_id": delivery_id,
                        "loaded_at": loaded_at.isoformat(),
                        "row_count": rows,
                        "billed_cost": str(billed) if billed is not None else None,
                        "replaces_delivery_id": landed["delivery_id"] if order and landed else None,
                        "invoice_ids": order.get("invoice_ids", []),
                        "data_through": order.get("data_through"),
                        "quality_warnings": unit_warnings,
                        "source_files": file_facts,
                        "manifest_path": str(unit.manifest_path) if unit.manifest_path else None,
                        "manifest": unit.manifest,
                        "supersedes": [
                            {"source_kind": other.source_kind, "reason": what} for other, what in overlaps
                        ],
                    },
                    supersedes=[other for other, _ in overlaps if other != key],
                )
            )
            results.append((key, rows, float(billed or 0)))
        for item in staged:
            write_delivery_json(item)
        existed = {item.key: item.key.period_dir(raw_root).exists() for item in staged}
        placed = swap_in(staged, raw_root, archive_root)
        superseded = {item.key: item.supersedes for item in staged}
        return [
            LandedDelivery(key, delivery_id, rows, billed, folder, existed[key], superseded[key])
            for (key, rows, billed), folder in zip(results, placed, strict=True)
        ]
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)


def ingest(
    fmt: SourceFormat,
    inputs: list[Path],
    *,
    raw_root: Path | None = None,
    db_path: Path | None = None,
    refresh: bool = True,
    data_docs: Path | bool | None = None,
    supersede: bool = False,
) -> IngestReport:
    """Land every delivery of `fmt` found in `inputs`. A refused delivery is quarantined; the others land.

    `data_docs`: where to write GX Data Docs (a folder), False for none; default `paths.gx_docs_root()`.
    `supersede`: land a delivery whose provider x billing account x period is already landed from another
    source (see `overlapping_sources`), moving that delivery to the archive in the same swap.
    """
    raw_root = raw_root or paths.raw_root()
    archive_root = paths.archive_root_for(raw_root)
    quarantine_root = paths.quarantine_root_for(raw_root)
    raw_root.mkdir(parents=True, exist_ok=True)
    report = IngestReport()
    try:
        units = fmt.discover([Path(p) for p in inputs])
    except IngestError as exc:
        report.refused.append(Refusal(exc.file, str(exc), None))
        return report
    with quality_session(paths.gx_docs_root() if data_docs is None else data_docs or None) as quality:
        for unit in units:
            try:
                unit_fmt = fmt.resolve(unit) if fmt.resolve else fmt
                report.landed.extend(_land_unit(unit_fmt, unit, raw_root, archive_root, supersede))
            except (IngestError, LandingError) as exc:
                files = [f.path for f in unit.files]
                if unit.manifest_path:
                    files.append(unit.manifest_path)
                problems = [str(exc), *getattr(exc, "others", [])]
                where = quarantine(files, str(exc), quarantine_root, problems=problems)
                report.refused.append(Refusal(unit.label, str(exc), where))
        report.warnings = [w.message for w in quality.warnings]
        try:
            report.data_docs = quality.write_docs()
        except Exception as exc:  # Data Docs are a report: never fail an ingest for them
            report.warnings.append(f"GX Data Docs could not be written: {exc}")
    if refresh and (db_path or paths.duckdb_path()):
        refresh_views(db_path or paths.duckdb_path(), raw_root, archive_root)
    return report


def ingest_aws_cur(inputs: list[Path], **kwargs) -> IngestReport:
    """Land AWS Cost and Usage Report deliveries (every CUR shape; see `aws_cur`)."""
    return ingest(aws_cur.FORMAT, inputs, **kwargs)


def ingest_focus(inputs: list[Path], **kwargs) -> IngestReport:
    """Land native FOCUS exports (AWS, Azure, GCP; FOCUS 1.0 to 1.2; see `focus_native`)."""
    from ai_finops.ingest import focus_native

    return ingest(focus_native.FORMAT, inputs, **kwargs)


def ingest_azure_cost(inputs: list[Path], dataset: str | None = None, **kwargs) -> IngestReport:
    """Land Azure Cost Management cost details exports (EA or MCA, actual or amortized; see `azure_cost`).

    `dataset` ("actual" / "amortized") is used only for files whose type neither a manifest nor the name tells.
    """
    from ai_finops.ingest import azure_cost

    return ingest(azure_cost.dispatch_format(dataset), inputs, **kwargs)


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def describe(report: IngestReport) -> str:
    return json.dumps(
        {
            "landed": [
                {
                    "billing_account": d.key.billing_account,
                    "billing_period": d.key.billing_period,
                    "rows": d.rows,
                    "delivery": d.delivery_id,
                    "replaced": d.replaced,
                }
                for d in report.landed
            ],
            "refused": [{"input": r.label, "reason": r.message} for r in report.refused],
        },
        indent=2,
    )
