"""Land AWS CUR deliveries: validate, normalise, split by (payer, billing period), swap in atomically."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ai_finops import paths
from ai_finops.errors import IngestError, LandingError
from ai_finops.ingest import aws_cur
from ai_finops.ingest.views import refresh_views
from ai_finops.landing import (
    LandingKey,
    StagedDelivery,
    new_delivery_id,
    quarantine,
    sha256_of,
    staging_area,
    swap_in,
    utc_now,
    write_delivery_json,
)


@dataclass
class LandedDelivery:
    key: LandingKey
    delivery_id: str
    rows: int
    billed_cost: float
    folder: Path
    replaced: bool


@dataclass
class Refusal:
    label: str
    message: str
    quarantined_to: Path | None


@dataclass
class IngestReport:
    landed: list[LandedDelivery] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def _land_unit(unit: aws_cur.DeliveryUnit, raw_root: Path, archive_root: Path) -> list[LandedDelivery]:
    loaded_at = utc_now()
    hashes = {f.path: sha256_of(f.path) for f in unit.files}
    delivery_id = new_delivery_id(loaded_at, hashes.values())
    loaded_at_text = loaded_at.strftime("%Y-%m-%d %H:%M:%S.%f")
    scratch = staging_area(raw_root)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set preserve_insertion_order = true")
        relations = []
        file_facts = []
        for index, source in enumerate(unit.files):
            normalised = aws_cur.normalise(
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
                }
            )
        con.execute(
            "create temp view delivery as "
            + " union all by name ".join(f"select * from {r}" for r in relations)
        )
        keys = con.execute(
            "select bill_payer_account_id, strftime(bill_billing_period_start_date, '%Y-%m'), "
            "count(*), sum(line_item_unblended_cost) from delivery group by all order by all"
        ).fetchall()
        if unit.manifest_period is not None:
            periods = sorted({k[1] for k in keys})
            if periods != [unit.manifest_period]:
                raise IngestError(
                    unit.manifest_path or unit.label,
                    "billingPeriod",
                    f"the manifest says billing period {unit.manifest_period} but the rows' "
                    f"bill_billing_period_start_date says {', '.join(periods)}",
                )
        staged: list[StagedDelivery] = []
        results: list[tuple[LandingKey, int, float]] = []
        for payer, period, rows, billed in keys:
            key = LandingKey(aws_cur.PROVIDER, aws_cur.SOURCE_KIND, payer, period)
            folder = scratch / f"{payer}_{period}"
            folder.mkdir()
            con.execute(
                f"copy (select * from delivery where bill_payer_account_id = ? "
                f"and strftime(bill_billing_period_start_date, '%Y-%m') = ?) "
                f"to '{folder / 'part-00000.parquet'}' (format parquet, compression zstd, row_group_size 122880)",
                [payer, period],
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
                        "source_files": file_facts,
                        "manifest_path": str(unit.manifest_path) if unit.manifest_path else None,
                        "manifest": unit.manifest,
                    },
                )
            )
            results.append((key, rows, float(billed or 0)))
        for item in staged:
            write_delivery_json(item)
        existed = {item.key: item.key.period_dir(raw_root).exists() for item in staged}
        placed = swap_in(staged, raw_root, archive_root)
        return [
            LandedDelivery(key, delivery_id, rows, billed, folder, existed[key])
            for (key, rows, billed), folder in zip(results, placed, strict=True)
        ]
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)


def ingest_aws_cur(
    inputs: list[Path],
    *,
    raw_root: Path | None = None,
    db_path: Path | None = None,
    refresh: bool = True,
) -> IngestReport:
    """Land every delivery found in `inputs`. A refused delivery is quarantined; the others still land."""
    raw_root = raw_root or paths.raw_root()
    archive_root = paths.archive_root() if raw_root == paths.raw_root() else raw_root.parent / "archive"
    quarantine_root = (
        paths.quarantine_root() if raw_root == paths.raw_root() else raw_root.parent / "quarantine"
    )
    raw_root.mkdir(parents=True, exist_ok=True)
    report = IngestReport()
    try:
        units = aws_cur.discover([Path(p) for p in inputs])
    except IngestError as exc:
        report.refused.append(Refusal(exc.file, str(exc), None))
        return report
    for unit in units:
        try:
            report.landed.extend(_land_unit(unit, raw_root, archive_root))
        except (IngestError, LandingError) as exc:
            files = [f.path for f in unit.files]
            if unit.manifest_path:
                files.append(unit.manifest_path)
            where = quarantine(files, str(exc), quarantine_root)
            report.refused.append(Refusal(unit.label, str(exc), where))
    if refresh and (db_path or paths.duckdb_path()):
        refresh_views(db_path or paths.duckdb_path(), raw_root)
    return report


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
