"""Tiny hand-built GCP billing extractions for the ingest tests: one row per US Pacific day of an invoice month,
written as BigQuery writes Parquet and JSON lines, or as pandas flattens it to CSV (Python-repr lists)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ai_finops.generate.gcp_billing import pacific_month_start
from ai_finops.ingest.gcp_billing_schema import EXPORT_SCHEMA

ACCOUNT = "0A0A0A-1B1B1B-2C2C2C"


def month_rows(
    month: str = "202609",
    *,
    account: str = ACCOUNT,
    days: range | None = None,
    cost: str = "1.25",
    cost_type: str = "regular",
) -> list[dict]:
    """One Compute Engine row per Pacific day of `month` (YYYYMM): cost 1.25 with a -0.25 sustained-use credit,
    and a -0.10 PROMOTION credit on the first day; exported three hours after each usage hour."""
    year, number = int(month[:4]), int(month[4:])
    start = pacific_month_start(year, number)
    next_start = pacific_month_start(*((year + 1, 1) if number == 12 else (year, number + 1)))
    count = (next_start - start) // dt.timedelta(days=1)
    rows = []
    for day in days if days is not None else range(count):
        usage_start = start + dt.timedelta(days=day, hours=12)
        credits = [
            {
                "name": "Sustained Usage Discount",
                "amount": -0.25,
                "full_name": None,
                "id": "Sustained Usage Discount",
                "type": "SUSTAINED_USAGE_DISCOUNT",
            }
        ]
        if day == 0:
            credits.append(
                {
                    "name": "FreeTrial:Credit",
                    "amount": -0.1,
                    "full_name": None,
                    "id": "FreeTrial:Credit",
                    "type": "PROMOTION",
                }
            )
        rows.append(
            {
                "billing_account_id": account,
                "service": {"id": "6F81-5844-456A", "description": "Compute Engine"},
                "sku": {
                    "id": "2E27-4F75-95CD",
                    "description": "N1 Predefined Instance Core running in Americas",
                },
                "usage_start_time": usage_start,
                "usage_end_time": usage_start + dt.timedelta(hours=1),
                "project": {
                    "id": "demo-project",
                    "number": "123456789012",
                    "name": "Demo",
                    "labels": [{"key": "env", "value": "test"}],
                    "ancestry_numbers": "/1/",
                    "ancestors": [],
                },
                "labels": [{"key": "team", "value": "ml"}],
                "system_labels": [{"key": "compute.googleapis.com/machine_spec", "value": "n1-standard-1"}],
                "location": {
                    "location": "us-central1",
                    "country": "US",
                    "region": "us-central1",
                    "zone": "us-central1-a",
                },
                "tags": [],
                "transaction_type": "GOOGLE",
                "seller_name": None,
                "export_time": usage_start + dt.timedelta(hours=4),
                "cost": float(cost),
                "currency": "USD",
                "currency_conversion_rate": 1.0,
                "usage": {
                    "amount": 3600.0,
                    "unit": "seconds",
                    "amount_in_pricing_units": 1.0,
                    "pricing_unit": "hour",
                },
                "credits": credits,
                "invoice": {"month": month, "publisher_type": "GOOGLE"},
                "cost_type": cost_type,
                "adjustment_info": None,
                "cost_at_list": float(cost),
                "cost_at_effective_price_default": None,
                "cost_at_list_consumption_model": None,
                "price": {
                    "effective_price": Decimal("1.25"),
                    "tier_start_amount": Decimal(0),
                    "unit": "hour",
                    "pricing_unit_quantity": Decimal(1),
                    "list_price": None,
                    "effective_price_default": None,
                    "list_price_consumption_model": None,
                },
                "consumption_model": None,
                "resource": {
                    "name": "vm-1",
                    "global_name": "//compute.googleapis.com/projects/1/zones/us-central1-a/instances/1",
                },
                "subscription": None,
            }
        )
    return rows


def billed(rows: list[dict]) -> Decimal:
    """Σ cost + Σ credits, in micros as Google sums them."""
    micros = sum(
        round(r["cost"] * 1_000_000) + sum(round(c["amount"] * 1_000_000) for c in r["credits"]) for r in rows
    )
    return Decimal(micros).scaleb(-6)


def write_parquet(rows: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=EXPORT_SCHEMA), path)
    return path


def _json_ready(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def jsonl_lines(rows: list[dict]) -> list[str]:
    return [json.dumps(_json_ready(r)) for r in rows]


def write_jsonl(rows: list[dict], path: Path, lines: list[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines if lines is not None else jsonl_lines(rows)) + "\n", encoding="utf-8")
    return path


FLAT_COLUMNS = [
    "billing_account_id",
    "service.id",
    "service.description",
    "sku.id",
    "sku.description",
    "usage_start_time",
    "usage_end_time",
    "project.id",
    "project.name",
    "project.labels",
    "labels",
    "system_labels",
    "location.location",
    "location.region",
    "export_time",
    "cost",
    "currency",
    "currency_conversion_rate",
    "usage.amount",
    "usage.unit",
    "usage.amount_in_pricing_units",
    "usage.pricing_unit",
    "credits",
    "invoice.month",
    "cost_type",
]


def flat_row(row: dict) -> dict[str, str]:
    """pandas' flattening: dotted names, timestamps as `2020-11-09 23:00:00+00:00`, lists as Python reprs."""
    out = {}
    for column in FLAT_COLUMNS:
        value = row
        for part in column.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dt.datetime):
            value = value.strftime("%Y-%m-%d %H:%M:%S+00:00")
        elif isinstance(value, list):
            value = repr(value)
        out[column] = "" if value is None else str(value)
    return out


def write_flat_csv(rows: list[dict], path: Path, columns: list[str] | None = None, edit=None) -> Path:
    """Write rows flattened; `edit(index, flat_row)` may change a row's cells before writing."""
    columns = columns or FLAT_COLUMNS
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for index, row in enumerate(rows):
            flat = flat_row(row)
            if edit:
                edit(index, flat)
            writer.writerow(flat)
    return path
