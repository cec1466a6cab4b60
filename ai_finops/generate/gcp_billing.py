"""Deterministic demo data for the Google Cloud detailed billing export, as BigQuery extracts it to files.

Google writes billing data only into BigQuery (`gcp_billing_export_resource_v1_<BILLING_ACCOUNT_ID>`); a
warehouse that is not BigQuery gets files by running, once per invoice month,

    EXPORT DATA OPTIONS (uri = 'gs://<bucket>/gcp/billing_export/<account>/invoice_month=YYYYMM/part-*.parquet',
                         format = 'PARQUET', overwrite = true) AS
    SELECT * FROM `<project>.<dataset>.gcp_billing_export_resource_v1_<account>` WHERE invoice.month = 'YYYYMM'

and the same with `format = 'JSON'`. This module writes what those extractions hold::

    <out_dir>/gcp/billing_export/<account>/invoice_month=YYYYMM/part-000000000000.parquet (or .json)
    <out_dir>/gcp/billing_export_earlier/<account>/invoice_month=YYYYMM/...   earlier extractions, replaced later
    <out_dir>/truth/gcp_billing.json                                           totals the dbt models must reproduce

Two billing accounts:

- **AI platform** (USD, Parquet): the months the arguments ask for. GPU VMs (A100 on a2, H100 on a3, L4 on
  g2 GKE nodes, T4 on n1) with resource-based committed use discounts (fee SKUs "Commitment v1: ..." and
  COMMITTED_USAGE_DISCOUNT credits, linked by `subscription.instance_id`), sustained-use discounts on n1,
  Vertex AI custom training (H100) and online prediction (L4) with labels, Gemini tokens with a subscription
  benefit, Cloud Storage and egress with a contract DISCOUNT, BigQuery with its FREE_TIER, PROMOTION credits
  (two on some rows), a compute flexible (spend-based) CUD in both data models (legacy
  COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE credits before 2026-01-21, then discounted prices through
  `consumption_model`, a $1 fee SKU and FEE_UTILIZATION_OFFSET credits), tax, a rounding error, a goodwill
  adjustment, usage corrections and late usage billed in the next invoice month. The last two months also
  come as an earlier extraction that the final one replaces.
- **Research lab** (EUR, JSON lines), fixed in time (invoice months 2023-12 and 2024-01) because what it
  shows only existed then: resource-based CUDs without `subscription.instance_id` before 2024-01-25 (pooled
  per billing account x region x CUD type downstream), a legacy spend-based Cloud SQL CUD, research-credit
  PROMOTIONs, and the `cost_type` spelling "rounding error".

Everything is a function of the arguments: no wall-clock time, no unseeded randomness. Money is generated in
integer micro-units (Google's own precision) and written as float64 (FLOAT64) or DECIMAL(38, 9) (NUMERIC), so
the truth, summed in micros from the written values, is exact. SKU ids, commitment ids, project numbers and
consumption-model ids are synthetic; SKU descriptions, credit types and service ids follow Google's
documented names (sources in the comments). Modelling choices Google does not document are marked
"assumption".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ai_finops.ingest.gcp_billing_schema import EXPORT_SCHEMA

__all__ = ["ACCOUNTS", "generate_gcp_billing"]

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US
GIB = 1 << 30
MICROS = 1_000_000
_ROWS_PER_SHARD = 40_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# Dates Google documents (provider_exports.md §3.2-3.3): `subscription.instance_id` from 2024-01-25, the
# new spend-based CUD data model for existing accounts from 2026-01-21 (midnight US Pacific = 08:00 UTC),
# `consumption_model` and the new price columns from 2025-07-15, reservation system labels from 2025-09-17.
_SUBSCRIPTION_ID_FROM = dt.datetime(2024, 1, 25, 8, tzinfo=dt.UTC)
_NEW_SPEND_CUD_MODEL_FROM = dt.datetime(2026, 1, 21, 8, tzinfo=dt.UTC)
_CONSUMPTION_MODEL_FROM = dt.datetime(2025, 7, 15, 7, tzinfo=dt.UTC)
_RESERVATION_LABELS_FROM = dt.datetime(2025, 9, 17, 7, tzinfo=dt.UTC)

# Service ids as the Cloud Billing catalog lists them (public catalog listings; provider_exports.md §3.2).
SERVICES = {
    "Compute Engine": "6F81-5844-456A",
    "Vertex AI": "C7E2-9256-1C43",
    "Cloud Storage": "95FF-2EF5-5EA1",
    "BigQuery": "24E6-581D-38E5",
    "Cloud SQL": "9662-B51E-5089",
    # assumption: Google documents no service for tax and rounding rows; we use "Invoice" without an id.
    "Invoice": None,
}


@dataclass(frozen=True)
class Account:
    billing_account_id: str
    name: str
    currency: str
    file_format: str  # parquet | json
    usd_rate: Decimal  # currency_conversion_rate: USD -> billing currency
    organization: str


ACCOUNTS = {
    "platform": Account("01A2B3-C4D5E6-F7A8B9", "AI platform", "USD", "parquet", Decimal(1), "418263750291"),
    "research": Account(
        "0B1C2D-3E4F5A-6B7C8D", "Research lab", "EUR", "json", Decimal("0.9187"), "902471635548"
    ),
}
_RESEARCH_MONTHS = ((2023, 12), (2024, 1))


# --------------------------------------------------------------------------------------------------
# small helpers


def _digest(seed: int, *keys: object) -> bytes:
    return hashlib.sha256("|".join(map(str, (seed, *keys))).encode()).digest()


def _rng(seed: int, *keys: object) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(_digest(seed, *keys)[:8], "little"))


def _uuid(seed: int, *keys: object) -> str:
    return str(uuid.UUID(bytes=_digest(seed, "uuid", *keys)[:16], version=4))


def _sku_id(*keys: object) -> str:
    text = hashlib.sha256("|".join(map(str, keys)).encode()).hexdigest().upper()
    return f"{text[:4]}-{text[4:8]}-{text[8:12]}"


def _us(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


def _from_us(value: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=int(value))


def pacific_month_start(year: int, month: int) -> dt.datetime:
    """Midnight US Pacific on the first of the month, in UTC. US DST (2007 rules) runs from the second Sunday
    of March to the first Sunday of November at 02:00, so the first of April to November is PDT (UTC-7) and
    the first of December to March is PST (UTC-8). The dbt staging model uses the same rule."""
    return dt.datetime(year, month, 1, 7 if 4 <= month <= 11 else 8, tzinfo=dt.UTC)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _micros(values: np.ndarray | float) -> np.ndarray:
    return np.rint(np.asarray(values, dtype=np.float64) * MICROS).astype(np.int64)


def _price(usd: str, account: Account) -> Decimal:
    """A unit price in the account's currency, at Google's 6 decimals for prices below a cent: 9."""
    return (Decimal(usd) * account.usd_rate).quantize(Decimal("0.000000001"))


def _activity(rng: np.random.Generator, hours: int, on_fraction: float, mean_block: float) -> np.ndarray:
    """Hours a resource runs: alternating on/off blocks of geometric length."""
    out = np.zeros(hours, dtype=bool)
    position, on = 0, bool(rng.random() < on_fraction)
    while position < hours:
        mean = mean_block if on else mean_block * (1 - on_fraction) / max(on_fraction, 0.05)
        length = max(1, int(rng.geometric(1 / max(mean, 1.0))))
        out[position : position + length] = on
        position += length
        on = not on
    return out


# --------------------------------------------------------------------------------------------------
# catalog (on-demand USD prices; sources in the comments)


@dataclass(frozen=True)
class Sku:
    service: str
    description: str
    usage_unit: str
    pricing_unit: str
    base_per_pricing: float  # usage.amount per usage.amount_in_pricing_units
    usd_price: str  # per pricing unit

    @property
    def id(self) -> str:
        return _sku_id(self.service, self.description)


def _hourly(service: str, description: str, usd: str, kind: str = "seconds") -> Sku:
    if kind == "ram":
        return Sku(service, description, "byte-seconds", "gibibyte hour", GIB * 3600.0, usd)
    return Sku(service, description, "seconds", "hour", 3600.0, usd)


# Compute Engine us-central1 / europe-west4 list prices: skypilot-catalog catalogs/v8/gcp/vms.csv @006059e0 and
# the project's GPU catalog seed (gpu_instance_catalog.csv); A2 core $0.031611 and N1 core/RAM
# $0.031611 / $0.004237 per hour as Google's catalog lists them; A3 and G2 core/RAM are assumptions.
CE = "Compute Engine"
VX = "Vertex AI"
SKUS = {
    "a2_core": _hourly(CE, "A2 Instance Core running in Americas", "0.031611"),
    "a2_ram": _hourly(CE, "A2 Instance Ram running in Americas", "0.004237", "ram"),
    "a100": _hourly(CE, "Nvidia Tesla A100 GPU running in Americas", "2.933908"),
    "a3_core": _hourly(CE, "A3 Instance Core running in Americas", "0.025498"),
    "a3_ram": _hourly(CE, "A3 Instance Ram running in Americas", "0.002220", "ram"),
    "h100": _hourly(CE, "Nvidia H100 80GB GPU running in Americas", "9.796550"),
    "g2_core": _hourly(CE, "G2 Instance Core running in Americas", "0.024988"),
    "g2_ram": _hourly(CE, "G2 Instance Ram running in Americas", "0.002927", "ram"),
    "l4": _hourly(CE, "Nvidia L4 GPU running in Americas", "0.560040"),
    "n1_core": _hourly(CE, "N1 Predefined Instance Core running in Americas", "0.031611"),
    "n1_ram": _hourly(CE, "N1 Predefined Instance Ram running in Americas", "0.004237", "ram"),
    "t4": _hourly(CE, "Nvidia Tesla T4 GPU running in Americas", "0.350000"),
    "n1_core_emea": _hourly(CE, "N1 Predefined Instance Core running in EMEA", "0.034806"),
    "n1_ram_emea": _hourly(CE, "N1 Predefined Instance Ram running in EMEA", "0.004664", "ram"),
    "t4_emea": _hourly(CE, "Nvidia Tesla T4 GPU running in EMEA", "0.350000"),
    # Vertex AI (Iowa = us-central1): SKU names and H100 prices from Google Cloud Japan's DWS pricing article
    # (2025-08), as quoted in the project's AI-attribution notes; Vertex = Compute Engine x 1.15 otherwise.
    "vx_train_h100": _hourly(VX, "Vertex AI: Training/Pipelines on NVIDIA H100 80GB in Iowa", "11.2660332"),
    "vx_train_core": _hourly(
        VX, "Vertex AI: Training/Pipelines on A3 Predefined Instance Core in Iowa", "0.0293227"
    ),
    "vx_train_ram": _hourly(
        VX, "Vertex AI: Training/Pipelines on A3 Predefined Instance Ram in Iowa", "0.0025534", "ram"
    ),
    "vx_pred_l4": _hourly(VX, "Vertex AI: Online/Batch Prediction Nvidia L4 GPU running in Iowa", "0.644046"),
    "vx_pred_core": _hourly(
        VX, "Vertex AI: Online/Batch Prediction G2 Instance Core running in Iowa", "0.028736"
    ),
    "vx_pred_ram": _hourly(
        VX, "Vertex AI: Online/Batch Prediction G2 Instance Ram running in Iowa", "0.003366", "ram"
    ),
    # assumption: token SKUs billed per token (usage.unit "count"); Gemini 2.5 Flash list prices per token.
    "gemini_in": Sku(VX, "Gemini 2.5 Flash Text Input - Predictions", "count", "count", 1.0, "0.0000003"),
    "gemini_out": Sku(VX, "Gemini 2.5 Flash Text Output - Predictions", "count", "count", 1.0, "0.0000025"),
    "gcs_standard": Sku(
        "Cloud Storage",
        "Standard Storage US Multi-region",
        "byte-seconds",
        "gibibyte month",
        GIB * 3600.0 * 730,
        "0.026",
    ),
    "gcs_standard_eu": Sku(
        "Cloud Storage",
        "Standard Storage Netherlands",
        "byte-seconds",
        "gibibyte month",
        GIB * 3600.0 * 730,
        "0.020",
    ),
    "egress": Sku(
        CE, "Network Internet Egress from Americas to Americas", "bytes", "gibibyte", float(GIB), "0.12"
    ),
    "bq_analysis": Sku("BigQuery", "Analysis", "bytes", "tebibyte", float(GIB) * 1024, "6.25"),
    "sql_core": _hourly("Cloud SQL", "Cloud SQL for PostgreSQL: Zonal - vCPU in Netherlands", "0.045400"),
    "sql_ram": _hourly(
        "Cloud SQL", "Cloud SQL for PostgreSQL: Zonal - RAM in Netherlands", "0.007700", "ram"
    ),
}

# Commitment fee SKUs ("Commitment v1: <family> <resource> in <region> for <term>" as in Google's catalog;
# spend-based "Commitment - dollar based v1: GCE ..." is the fee Google's own CUD KPI queries match).
# Spend-based fees are priced per unit of the billing currency (assumption: usage.unit = the currency).
FEE_SKUS = {
    "a2_core": "Commitment v1: A2 Cpu in Americas for 1 Year",
    "a2_ram": "Commitment v1: A2 Ram in Americas for 1 Year",
    "a100": "Commitment v1: Nvidia Tesla A100 GPU running in Americas for 1 Year",
    "a3_core": "Commitment v1: A3 Cpu in Americas for 3 Year",
    "a3_ram": "Commitment v1: A3 Ram in Americas for 3 Year",
    "h100": "Commitment v1: Nvidia H100 80GB GPU running in Americas for 3 Year",
    "l4": "Commitment v1: Nvidia L4 GPU running in Americas for 1 Year",
    "n1_core_emea": "Commitment v1: Cpu in EMEA for 1 Year",
    "n1_ram_emea": "Commitment v1: Ram in EMEA for 1 Year",
    "t4_emea": "Commitment v1: Nvidia Tesla T4 GPU running in EMEA for 1 Year",
    "flex_legacy": "Commitment - dollar based v1: GCE for 1 year",
    # assumption: the name of the $1 fee SKU of the new spend-based model (Google lists new fee SKU ids).
    "flex_new": "Commitment - dollar based v1: Compute Flexible CUD fee for 1 year",
    "sql_legacy": "Commitment - dollar based v1: Cloud SQL Database VM in Netherlands for 1 year",
}

_CUD_CREDIT_NAMES = {"core": "Committed Usage Discount: CPU", "ram": "Committed Usage Discount: RAM"}


def _cud_credit_name(resource: str) -> str:
    if resource.endswith("_core") or "core" in resource:
        return _CUD_CREDIT_NAMES["core"]
    if resource.endswith("_ram") or "ram" in resource:
        return _CUD_CREDIT_NAMES["ram"]
    return "Committed Usage Discount: GPU"


# --------------------------------------------------------------------------------------------------
# rows


@dataclass
class Place:
    project: str
    location: str  # region or multi-region
    zone: str | None = None
    country: str | None = None


@dataclass
class Project:
    id: str
    number: str
    name: str
    labels: list[dict]
    ancestry: str
    ancestors: list[dict]


class PerRow(list):
    """A value per row (a plain list is one value: a REPEATED field's content)."""


@dataclass
class Rows:
    """Column-wise accumulation of export rows of one account; money in integer micros."""

    columns: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    count: int = 0

    def add(self, n: int, **values: object) -> None:
        """Append n rows; a value is a scalar (the same for every row) or a sequence of n values."""
        if n == 0:
            return
        for name, value in values.items():
            column = self.columns[name]
            if len(column) < self.count:  # a column this block is the first to fill
                column.extend([None] * (self.count - len(column)))
            if isinstance(value, np.ndarray):
                self.columns[name].extend(value.tolist())
            elif isinstance(value, PerRow):
                if len(value) != n:
                    raise ValueError(f"{name}: {len(value)} values for {n} rows")
                self.columns[name].extend(value)
            else:
                self.columns[name].extend([value] * n)
        self.count += n
        for name in self.columns:
            if len(self.columns[name]) < self.count:
                self.columns[name].extend([None] * (self.count - len(self.columns[name])))


def _credit(name: str, micros: int, credit_type: str, credit_id: str | None = None, full: str | None = None):
    return {
        "name": name,
        "amount": micros / MICROS,
        "full_name": full,
        "id": credit_id or name,
        "type": credit_type,
    }


class AccountGenerator:
    """The rows one billing account's export table holds for one usage month (plus what spills over)."""

    def __init__(self, seed: int, scale: float, key: str, account: Account) -> None:
        self.seed, self.scale, self.key, self.account = seed, scale, key, account
        self.rows = Rows()
        self.commitment_hours: list[dict] = []  # per commitment x hour: fee, covered and committed quantity
        self.projects = self._projects()

    # -- reference data ----------------------------------------------------------------------------------

    def _projects(self) -> dict[str, Project]:
        org, folder = self.account.organization, str(int(self.account.organization) // 7)
        specs = {
            "platform": [
                ("aif-training-prod", "AI training", {"cost-center": "cc-4100", "env": "prod"}),
                ("aif-inference-prod", "AI inference", {"cost-center": "cc-4200", "env": "prod"}),
                ("aif-data-platform", "Data platform", {"cost-center": "cc-4300", "env": "prod"}),
            ],
            "research": [
                ("rl-experiments", "Research experiments", {"cost-center": "cc-7100", "env": "research"}),
                (
                    "rl-shared-services",
                    "Research shared services",
                    {"cost-center": "cc-7200", "env": "shared"},
                ),
            ],
        }[self.key]
        out = {}
        for project_id, name, labels in specs:
            number = str(
                int.from_bytes(_digest(self.seed, "project", project_id)[:5], "little") % 10**12
            ).zfill(12)
            out[project_id] = Project(
                project_id,
                number,
                name,
                [{"key": k, "value": v} for k, v in labels.items()],
                f"/{org}/{folder}/",
                [
                    {"resource_name": f"projects/{number}", "display_name": project_id},
                    {
                        "resource_name": f"folders/{folder}",
                        "display_name": "ai" if self.key == "platform" else "research",
                    },
                    {"resource_name": f"organizations/{org}", "display_name": "example.com"},
                ],
            )
        return out

    def _project(self, project_id: str) -> dict:
        p = self.projects[project_id]
        return {
            "id": p.id,
            "number": p.number,
            "name": p.name,
            "labels": p.labels,
            "ancestry_numbers": p.ancestry,
            "ancestors": p.ancestors,
        }

    @staticmethod
    def _location(place: Place) -> dict:
        region = None if place.location in ("us", "eu", "global") else place.location
        country = place.country or ("US" if place.location.startswith("us") else "NL")
        return {
            "location": place.zone or place.location,
            "country": country,
            "region": region,
            "zone": place.zone,
        }

    def _sku_price(self, sku: Sku) -> Decimal:
        return _price(sku.usd_price, self.account)

    # -- one block of rows ---------------------------------------------------------------------------------

    def emit(
        self,
        sku: Sku | None,
        place: Place,
        starts: np.ndarray,
        invoice_months: list[str],
        cost: np.ndarray,
        *,
        pricing_amount: np.ndarray | float | None = None,
        hours: int = 1,
        sku_description: str | None = None,
        service: str | None = None,
        usage_unit: str | None = None,
        pricing_unit: str | None = None,
        base_per_pricing: float | None = None,
        unit_price: Decimal | None = None,
        labels: list[dict] | None = None,
        system_labels: list[dict] | None = None,
        resource: dict | None = None,
        credits: list[list[dict]] | None = None,
        cost_type: str = "regular",
        subscription: list | str | None = None,
        adjustment: dict | None = None,
        export_delay: np.ndarray | None = None,
        cost_at_list: np.ndarray | None = None,
        cost_default: np.ndarray | None = None,
        consumption_model: list | dict | None = None,
        price_default: Decimal | None = None,
        usage_amount: np.ndarray | None = None,
    ) -> None:
        n = len(starts)
        if n == 0:
            return
        account = self.account
        service_name = service or (sku.service if sku else "Invoice")
        description = sku_description or (sku.description if sku else None)
        sku_id = _sku_id(service_name, description) if description else None
        rng = _rng(self.seed, self.key, "export", description, int(starts[0]), n)
        if export_delay is None:
            export_delay = (
                rng.integers(3_600, 30 * 3_600, n) * 1_000_000 + rng.integers(0, 1_000_000, n)
            ).astype(np.int64)
        ends = starts + hours * HOUR_US
        usage_unit = usage_unit if usage_unit is not None else (sku.usage_unit if sku else None)
        pricing_unit = pricing_unit if pricing_unit is not None else (sku.pricing_unit if sku else None)
        base = base_per_pricing if base_per_pricing is not None else (sku.base_per_pricing if sku else None)
        if pricing_amount is None:
            usage = None
        else:
            amounts = np.broadcast_to(np.asarray(pricing_amount, dtype=np.float64), (n,))
            base_amounts = usage_amount if usage_amount is not None else amounts * base
            usage = PerRow(
                {
                    "amount": float(b),
                    "unit": usage_unit,
                    "amount_in_pricing_units": float(a),
                    "pricing_unit": pricing_unit,
                }
                for a, b in zip(amounts, base_amounts, strict=True)
            )
        price_value = unit_price if unit_price is not None else (self._sku_price(sku) if sku else None)
        first = _from_us(int(starts.min()))
        new_columns = first >= _CONSUMPTION_MODEL_FROM
        price = None
        if price_value is not None and cost_type == "regular":
            price = {
                "effective_price": price_value,
                "tier_start_amount": Decimal(0),
                "unit": pricing_unit,
                "pricing_unit_quantity": Decimal(1),
                "list_price": (price_default or price_value) if new_columns else None,
                "effective_price_default": (price_default or price_value) if new_columns else None,
                "list_price_consumption_model": price_value if new_columns else None,
            }
        default_model = {"id": "D2C8-1F4E-9A6B", "description": "Default"}  # assumption: synthetic id
        if consumption_model is None and new_columns and cost_type == "regular":
            consumption_model = default_model
        elif isinstance(consumption_model, list):
            consumption_model = PerRow(m or default_model for m in consumption_model)
        if credits is None:
            credits = [[] for _ in range(n)]
        list_micros = cost if cost_at_list is None else cost_at_list
        default_micros = cost if cost_default is None else cost_default
        self.rows.add(
            n,
            billing_account_id=account.billing_account_id,
            service={"id": SERVICES.get(service_name), "description": service_name},
            sku={"id": sku_id, "description": description},
            usage_start_time=starts,
            usage_end_time=ends,
            project=self._project(place.project) if place.project else None,
            labels=labels or [],
            system_labels=system_labels or [],
            location=self._location(place),
            tags=[],
            transaction_type="GOOGLE" if cost_type == "regular" else None,
            seller_name=None,
            export_time=ends + export_delay,
            cost=cost,
            currency=account.currency,
            currency_conversion_rate=float(account.usd_rate),
            usage=usage,
            credits=PerRow(credits),
            invoice=PerRow({"month": m, "publisher_type": "GOOGLE"} for m in invoice_months),
            cost_type=cost_type,
            adjustment_info=adjustment,
            cost_at_list=list_micros,
            cost_at_effective_price_default=default_micros if new_columns else None,
            cost_at_list_consumption_model=cost if new_columns else None,
            price=price,
            consumption_model=consumption_model if new_columns else None,
            resource=resource,
            subscription=PerRow(subscription)
            if isinstance(subscription, list)
            else ({"instance_id": subscription} if subscription else None),
        )

    # -- the table -----------------------------------------------------------------------------------------

    def table(self) -> pa.Table:
        cols = self.rows.columns
        n = self.rows.count

        def money(name: str) -> pa.Array:
            return pa.array([None if v is None else v / MICROS for v in cols[name]], pa.float64())

        def numeric(name: str) -> pa.Array:
            return pa.array(
                [None if v is None else Decimal(int(v)).scaleb(-6) for v in cols[name]], pa.decimal128(38, 9)
            )

        def subscription_value(v):
            if v is None or isinstance(v, dict):
                return v
            return {"instance_id": v}

        data = {}
        for f in EXPORT_SCHEMA:
            name = f.name
            if name in ("cost", "cost_at_list"):
                data[name] = money(name)
            elif name in ("cost_at_effective_price_default", "cost_at_list_consumption_model"):
                data[name] = numeric(name)
            elif name in ("usage_start_time", "usage_end_time", "export_time"):
                data[name] = pa.array(cols[name], pa.int64()).cast(f.type)
            elif name == "subscription":
                data[name] = pa.array([subscription_value(v) for v in cols[name]], f.type)
            else:
                data[name] = pa.array(cols[name] if name in cols else [None] * n, f.type)
        return pa.table(data, schema=EXPORT_SCHEMA)


# --------------------------------------------------------------------------------------------------
# the AI platform account: one usage month


@dataclass
class Commitment:
    id: str
    kind: str  # resource | spend_legacy | spend_new
    region: str
    components: dict[str, float]  # resource key -> committed pricing units per hour (or currency per hour)
    discount: Decimal
    project: str


def _month_hours(year: int, month: int) -> np.ndarray:
    start = _us(pacific_month_start(year, month))
    end = _us(pacific_month_start(*_next_month(year, month)))
    return np.arange(start, end, HOUR_US, dtype=np.int64)


class PlatformMonth:
    """One usage month of the AI platform account."""

    def __init__(self, gen: AccountGenerator, year: int, month: int, index: int, last: bool) -> None:
        self.gen, self.year, self.month, self.index, self.last = gen, year, month, index, last
        self.seed, self.scale = gen.seed, gen.scale
        self.hours = _month_hours(year, month)
        self.label = f"{year}{month:02d}"
        self.next_label = "{}{:02d}".format(*_next_month(year, month))
        self.us_central1 = "us-central1"

    def rng(self, *keys: object) -> np.random.Generator:
        return _rng(self.seed, "platform", self.label, *keys)

    def months(self, n: int) -> list[str]:
        return [self.label] * n

    # vm fleets -------------------------------------------------------------------------------------------

    def fleet(self) -> list[dict]:
        s = self.scale
        return [
            {
                "family": "a2",
                "machine": "a2-highgpu-1g",
                "n": max(1, round(2 * s)),
                "on": 0.72,
                "block": 60,
                "parts": {"a2_core": 12, "a2_ram": 85, "a100": 1},
                "project": "aif-training-prod",
                "name": "train-a100",
                "labels": {"team": "research", "workload": "training"},
                "zone": "us-central1-a",
            },
            {
                "family": "a3",
                "machine": "a3-highgpu-8g",
                "n": max(1, round(1 * s)),
                "on": 0.62,
                "block": 48,
                "parts": {"a3_core": 208, "a3_ram": 1872, "h100": 8},
                "project": "aif-training-prod",
                "name": "train-h100",
                "labels": {"team": "research", "workload": "training"},
                "zone": "us-central1-b",
            },
            {
                "family": "g2",
                "machine": "g2-standard-4",
                "n": max(1, round(4 * s)),
                "on": 0.93,
                "block": 200,
                "parts": {"g2_core": 4, "g2_ram": 16, "l4": 1},
                "project": "aif-inference-prod",
                "name": "gke-aif-inference-l4-pool",
                "gke": True,
                "zone": "us-central1-c",
                "labels": {
                    "goog-k8s-cluster-name": "aif-inference",
                    "goog-k8s-cluster-location": "us-central1",
                    "goog-k8s-node-pool-name": "l4-pool",
                    "team": "ml-platform",
                },
            },
            {
                "family": "n1",
                "machine": "n1-standard-8",
                "n": max(1, round(2 * s)),
                "on": 0.55,
                "block": 30,
                "parts": {"n1_core": 8, "n1_ram": 30, "t4": 1},
                "project": "aif-training-prod",
                "name": "batch-t4",
                "labels": {"team": "data-science", "workload": "batch-inference"},
                "zone": "us-central1-f",
            },
        ]

    def commitments(self) -> list[Commitment]:
        s = self.seed
        return [
            Commitment(
                _uuid(s, "cud", "a100"),
                "resource",
                "us-central1",
                {"a2_core": 12, "a2_ram": 85, "a100": 1},
                Decimal("0.37"),
                "aif-training-prod",
            ),
            Commitment(
                _uuid(s, "cud", "h100"),
                "resource",
                "us-central1",
                {"h100": 8},  # GPUs only: the a3 VM's cores and memory stay on demand
                Decimal("0.55"),
                "aif-training-prod",
            ),
            Commitment(
                _uuid(s, "cud", "l4"),
                "resource",
                "us-central1",
                {"l4": 2},
                Decimal("0.37"),
                "aif-inference-prod",
            ),
        ]

    def generate(self) -> None:
        self.first_row = self.gen.rows.count
        running: dict[str, np.ndarray] = {}
        fleet = self.fleet()
        for spec in fleet:
            masks = np.stack(
                [
                    _activity(self.rng("run", spec["name"], i), len(self.hours), spec["on"], spec["block"])
                    for i in range(spec["n"])
                ]
            )
            running[spec["family"]] = masks
        flex_rows: list[tuple] = []  # eligible rows for the flexible CUD: (key, vm index, resource)
        covered = self._resource_cuds(running)
        for spec in fleet:
            self._vms(spec, running[spec["family"]], covered.get(spec["family"]), flex_rows)
        self._vertex_prediction(flex_rows)
        self._flexible_cud(flex_rows)
        self._vertex_training()
        self._gemini()
        self._storage_network_bigquery()
        self._adjustments()

    # resource-based CUDs ---------------------------------------------------------------------------------

    def _resource_cuds(self, running: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, Commitment]]:
        """Which VMs each commitment covers per hour (whole VMs, in index order), and its fee rows."""
        gen, out = self.gen, {}
        families = {"a2": "a100", "a3": "h100", "g2": "l4"}
        per_vm = {
            "a100": {"a2_core": 12, "a2_ram": 85, "a100": 1},
            "h100": {"a3_core": 208, "a3_ram": 1872, "h100": 8},
            "l4": {"l4": 1},
        }
        for commitment, family in zip(self.commitments(), families, strict=True):
            gpu = families[family]
            masks = running[family]
            capacity = int(commitment.components[gpu] // per_vm[gpu][gpu])
            rank = np.cumsum(masks, axis=0)
            cover = masks & (rank <= capacity)
            out[family] = (cover, commitment)
            covered_vms = cover.sum(axis=0)
            place = Place(commitment.project, commitment.region, country="US")
            sub = commitment.id if _from_us(int(self.hours[0])) >= _SUBSCRIPTION_ID_FROM else None
            for resource, quantity in commitment.components.items():
                sku = SKUS[resource]
                fee_price = (gen._sku_price(sku) * (1 - commitment.discount)).quantize(Decimal("0.000001"))
                fee = int((fee_price * Decimal(str(quantity)) * MICROS).to_integral_value())
                n = len(self.hours)
                gen.emit(
                    None,
                    place,
                    self.hours,
                    self.months(n),
                    np.full(n, fee, np.int64),
                    pricing_amount=float(quantity),
                    sku_description=FEE_SKUS[resource],
                    service=CE,
                    usage_unit=sku.usage_unit,
                    pricing_unit=sku.pricing_unit,
                    base_per_pricing=sku.base_per_pricing,
                    unit_price=fee_price,
                    subscription=sub,
                )
                used_quantity = covered_vms * per_vm[gpu][resource]
                for h in range(n):
                    gen.commitment_hours.append(
                        {
                            "commitment": commitment.id if sub else None,
                            "pool_region": commitment.region,
                            "pool_type": "COMMITTED_USAGE_DISCOUNT",
                            "month": self.label,
                            "hour": int(self.hours[h]),
                            "fee": fee,
                            "committed": Decimal(str(quantity)),
                            "covered": Decimal(str(used_quantity[h])),
                        }
                    )
        return out

    # VM rows ---------------------------------------------------------------------------------------------

    def _vms(self, spec: dict, masks: np.ndarray, cover, flex_rows: list) -> None:
        gen = self.gen
        cover_mask, commitment = cover if cover else (np.zeros_like(masks), None)
        place_zone = spec["zone"]
        for i in range(spec["n"]):
            mask = masks[i]
            if not mask.any():
                continue
            starts = self.hours[mask]
            n = len(starts)
            vm_name = (
                f"{spec['name']}-{i}"
                if not spec.get("gke")
                else f"{spec['name']}-{_sku_id(self.seed, spec['name'], i)[:4].lower()}-{i}"
            )
            instance_id = str(int.from_bytes(_digest(self.seed, "instance", vm_name)[:7], "little"))
            project = gen.projects[spec["project"]]
            resource = {
                "name": vm_name,
                "global_name": f"//compute.googleapis.com/projects/{project.number}/zones/{place_zone}/instances/{instance_id}",
            }
            labels = [{"key": k, "value": v} for k, v in spec["labels"].items()]
            system = [
                {"key": "compute.googleapis.com/machine_spec", "value": spec["machine"]},
                {
                    "key": "compute.googleapis.com/cores",
                    "value": str(spec["parts"].get(f"{spec['family']}_core", 0)),
                },
                {
                    "key": "compute.googleapis.com/memory",
                    "value": str(int(spec["parts"].get(f"{spec['family']}_ram", 0) * 1024)),
                },
            ]
            if commitment is not None and _from_us(int(starts[0])) >= _RESERVATION_LABELS_FROM:
                system.append(
                    {
                        "key": "compute.googleapis.com/reservation_name",
                        "value": f"{spec['family']}-gpu-reservation",
                    }
                )
            place = Place(spec["project"], "us-central1", zone=place_zone, country="US")
            covered_here = cover_mask[i][mask]
            # sustained-use discount on n1 (and the GPUs attached to it): by month-to-date running share
            sud_rate = None
            if spec["family"] == "n1":
                to_date = np.cumsum(mask)[mask] / len(self.hours)
                sud_rate = (
                    np.select([to_date <= 0.25, to_date <= 0.5, to_date <= 0.75], [0.0, 0.2, 0.4], 0.6) * 0.5
                )
            for resource_key, quantity in spec["parts"].items():
                sku = SKUS[resource_key]
                price = gen._sku_price(sku)
                unit_cost = int((price * Decimal(str(quantity)) * MICROS).to_integral_value())
                cost = np.full(n, unit_cost, np.int64)
                credits = [[] for _ in range(n)]
                subs: list = [None] * n
                if commitment is not None and resource_key in commitment.components:
                    sub = commitment.id if _from_us(int(starts[0])) >= _SUBSCRIPTION_ID_FROM else None
                    name = _cud_credit_name(resource_key)
                    for j in np.flatnonzero(covered_here):
                        credits[j] = [_credit(name, -unit_cost, "COMMITTED_USAGE_DISCOUNT")]
                        subs[j] = sub
                if sud_rate is not None:
                    for j in range(n):
                        amount = round(unit_cost * sud_rate[j])
                        if amount:
                            credits[j] = [
                                _credit("Sustained Usage Discount", -amount, "SUSTAINED_USAGE_DISCOUNT")
                            ]
                if spec.get("gke") and resource_key in ("g2_core", "g2_ram"):
                    flex_rows.append(
                        ("vm", resource_key, starts, cost, place, labels, system, resource, float(quantity))
                    )
                    continue
                gen.emit(
                    sku,
                    place,
                    starts,
                    self.months(n),
                    cost,
                    pricing_amount=float(quantity),
                    labels=labels,
                    system_labels=system,
                    resource=resource,
                    credits=credits,
                    subscription=subs,
                )

    def _vertex_prediction(self, flex_rows: list) -> None:
        """A Vertex AI endpoint on g2-standard-8-like replicas (1-2), around the clock."""
        gen = self.gen
        rng = self.rng("endpoint")
        replicas = np.where(rng.random(len(self.hours)) < 0.35, 2, 1)
        project = gen.projects["aif-inference-prod"]
        endpoint_id = str(int.from_bytes(_digest(self.seed, "endpoint")[:7], "little"))
        resource = {
            "name": "chat-assistant",
            "global_name": f"//aiplatform.googleapis.com/projects/{project.number}/locations/us-central1/endpoints/{endpoint_id}",
        }
        labels = [
            {"key": "team", "value": "ml-platform"},
            {"key": "endpoint", "value": "chat-assistant"},
            {"key": "deployed-model", "value": "llama-3-1-8b-instruct"},
        ]
        place = Place("aif-inference-prod", "us-central1", country="US")
        for resource_key, per_replica in (("vx_pred_l4", 1), ("vx_pred_core", 8), ("vx_pred_ram", 32)):
            sku = SKUS[resource_key]
            price = gen._sku_price(sku)
            quantity = replicas * per_replica
            cost = np.array(
                [int((price * Decimal(int(q)) * MICROS).to_integral_value()) for q in quantity], np.int64
            )
            if resource_key == "vx_pred_l4":
                credits = self._promotions(cost)
                gen.emit(
                    sku,
                    place,
                    self.hours,
                    self.months(len(self.hours)),
                    cost,
                    pricing_amount=quantity.astype(float),
                    labels=labels,
                    resource=resource,
                    credits=credits,
                )
            else:
                flex_rows.append(
                    (
                        "vertex",
                        resource_key,
                        self.hours,
                        cost,
                        place,
                        labels,
                        [],
                        resource,
                        quantity.astype(float),
                    )
                )

    def _promotions(self, net: np.ndarray) -> list[list[dict]]:
        """Two promotions in the window's first month, on what is left after the other credits: a
        startup-programme credit covering 95 % until its budget is spent, and a trial credit covering the other
        5 % for the first two days (so some rows carry two PROMOTION credits)."""
        credits: list[list[dict]] = [[] for _ in range(len(net))]
        if self.index != 0:
            return credits
        budget = int(max(40.0, 400.0 * self.scale) * MICROS)
        for j, c in enumerate(net):
            c = int(c)
            if c <= 0:
                continue
            amount = min(round(c * 0.95), budget)
            if amount > 0:
                budget -= amount
                credits[j].append(
                    _credit(
                        "Google for Startups Cloud Program",
                        -amount,
                        "PROMOTION",
                        "promotion-7d1c93a0",
                        "Google for Startups Cloud Program credit",
                    )
                )
            trial = c - round(c * 0.95)
            if j < 48 and trial > 0:
                credits[j].append(
                    _credit(
                        "Vertex AI trial credit",
                        -trial,
                        "PROMOTION",
                        "promotion-2b8e41f5",
                        "Vertex AI trial credit",
                    )
                )
        return credits

    # the compute flexible (spend-based) CUD: both data models -------------------------------------------

    def _flexible_cud(self, flex_rows: list) -> None:
        gen = self.gen
        n_hours = len(self.hours)
        index = {int(h): k for k, h in enumerate(self.hours)}
        eligible = np.zeros(n_hours, np.int64)
        for _, _, starts, cost, *_ in flex_rows:
            np.add.at(eligible, [index[int(h)] for h in starts], cost)
        # Commitment: 110 % of the month's peak eligible on-demand spend, in whole cents (so the discounted
        # fee is exact in micros); at most 100 % of an hour's eligible usage is ever covered.
        peak = int(eligible.max()) if len(eligible) else 0
        commit_od = math.ceil(peak * 1.1 / 10_000) * 10_000
        discount = Decimal("0.28")
        commitment_id = _uuid(self.seed, "cud", "compute-flexible")
        new_model = np.array([_from_us(int(h)) >= _NEW_SPEND_CUD_MODEL_FROM for h in self.hours])
        model = {
            "id": "8F2A-1C3E-0B7D",
            "description": "Compute Flexible CUD - 1 Year",
        }  # assumption: synthetic id
        discounted_by_hour = np.zeros(n_hours, np.int64)
        for source, resource_key, starts, cost, place, labels, system, resource, quantity in flex_rows:
            sku = SKUS[resource_key]
            price = gen._sku_price(sku)
            positions = np.array([index[int(h)] for h in starts])
            quantity = np.broadcast_to(np.asarray(quantity, dtype=np.float64), (len(starts),))
            for is_new in (False, True):
                sel = new_model[positions] == is_new
                if not sel.any():
                    continue
                s, c, q, n = starts[sel], cost[sel], quantity[sel], int(sel.sum())
                if is_new:
                    # the new model: the covered usage is priced at the discounted rate, no credit
                    row_cost = np.rint(c * float(1 - discount)).astype(np.int64)
                    np.add.at(discounted_by_hour, positions[sel], row_cost)
                    credits = [[] for _ in range(n)]
                    extra = {
                        "cost_default": c,
                        "cost_at_list": c,
                        "consumption_model": model,
                        "price_default": price,
                        "unit_price": (price * (1 - discount)).quantize(Decimal("0.000000001")),
                    }
                else:
                    # the legacy model: on-demand cost and a COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE credit
                    row_cost = c
                    credits = [
                        [
                            _credit(
                                "Committed use discount - dollar based",
                                -int(x),
                                "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
                                "cud-spend-6c0a2d",
                                "Spend-based committed use discount",
                            )
                        ]
                        for x in c
                    ]
                    extra = {}
                if source == "vertex":
                    net = row_cost + np.array(
                        [sum(_micros_of(x["amount"]) for x in cr) for cr in credits], np.int64
                    )
                    promos = self._promotions(net)
                    credits = [cr + p[:1] for cr, p in zip(credits, promos, strict=True)]
                gen.emit(
                    sku,
                    place,
                    s,
                    self.months(n),
                    row_cost,
                    pricing_amount=q,
                    labels=labels,
                    system_labels=system,
                    resource=resource,
                    credits=credits,
                    subscription=commitment_id,
                    **extra,
                )
        place = Place("aif-inference-prod", "us-central1", country="US")
        legacy_fee = int(Decimal(commit_od) * (1 - discount))
        new_commit = legacy_fee  # the same commitment, now stated in discounted spend
        for is_new in (False, True):
            hours = self.hours[new_model == is_new]
            positions = np.flatnonzero(new_model == is_new)
            n = len(hours)
            if n == 0:
                continue
            if is_new:
                offsets = discounted_by_hour[positions]
                credits = [
                    [
                        _credit(
                            "Fee utilization offset", -int(o), "FEE_UTILIZATION_OFFSET", "cud-fee-offset-91e2"
                        )
                    ]
                    if o
                    else []
                    for o in offsets
                ]
                gen.emit(
                    None,
                    place,
                    hours,
                    self.months(n),
                    np.full(n, new_commit, np.int64),
                    pricing_amount=new_commit / MICROS,
                    sku_description=FEE_SKUS["flex_new"],
                    service=CE,
                    usage_unit=gen.account.currency,
                    pricing_unit=gen.account.currency,
                    base_per_pricing=1.0,
                    unit_price=Decimal(1),
                    subscription=commitment_id,
                    credits=credits,
                )
                for k, h in enumerate(hours):
                    gen.commitment_hours.append(
                        {
                            "commitment": commitment_id,
                            "pool_region": "us-central1",
                            "pool_type": "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
                            "month": self.label,
                            "hour": int(h),
                            "fee": new_commit - int(offsets[k]),
                            "committed": Decimal(0),
                            "covered": Decimal(0),
                        }
                    )
            else:
                gen.emit(
                    None,
                    place,
                    hours,
                    self.months(n),
                    np.full(n, legacy_fee, np.int64),
                    pricing_amount=commit_od / MICROS,
                    sku_description=FEE_SKUS["flex_legacy"],
                    service=CE,
                    usage_unit=gen.account.currency,
                    pricing_unit=gen.account.currency,
                    base_per_pricing=1.0,
                    unit_price=Decimal(1) - discount,
                    subscription=commitment_id,
                )
                for k, h in enumerate(hours):
                    gen.commitment_hours.append(
                        {
                            "commitment": commitment_id,
                            "pool_region": "us-central1",
                            "pool_type": "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
                            "month": self.label,
                            "hour": int(h),
                            "fee": legacy_fee,
                            "committed": Decimal(commit_od).scaleb(-6),
                            "covered": Decimal(int(eligible[positions[k]])).scaleb(-6),
                        }
                    )

    # Vertex AI training, Gemini, storage, network, BigQuery ---------------------------------------------

    def _vertex_training(self) -> None:
        gen = self.gen
        rng = self.rng("training-jobs")
        jobs = max(1, round(3 * self.scale)) + 1
        project = gen.projects["aif-training-prod"]
        place = Place("aif-training-prod", "us-central1", country="US")
        for j in range(jobs):
            length = int(rng.integers(10, 60))
            start = int(rng.integers(0, max(1, len(self.hours) - length)))
            starts = self.hours[start : start + length]
            job_id = str(int.from_bytes(_digest(self.seed, "job", self.label, j)[:7], "little"))
            run = f"run-{self.label}-{j:02d}"
            labels = [
                {"key": "team", "value": "research"},
                {"key": "model", "value": ["llama-3-1-70b", "mistral-7b", "embed-v2"][j % 3]},
                {"key": "training-run", "value": run},
                {
                    "key": "vertex-ai-pipelines-run-billing-id",
                    "value": _sku_id(self.seed, run).lower().replace("-", ""),
                },
            ]
            resource = {
                "name": run,
                "global_name": f"//aiplatform.googleapis.com/projects/{project.number}/locations/us-central1/customJobs/{job_id}",
            }
            for key, quantity in (("vx_train_h100", 8), ("vx_train_core", 208), ("vx_train_ram", 1872)):
                sku = SKUS[key]
                unit_cost = int((gen._sku_price(sku) * quantity * MICROS).to_integral_value())
                gen.emit(
                    sku,
                    place,
                    starts,
                    self.months(len(starts)),
                    np.full(len(starts), unit_cost, np.int64),
                    pricing_amount=float(quantity),
                    labels=labels,
                    resource=resource,
                )

    def _gemini(self) -> None:
        gen = self.gen
        rng = self.rng("gemini")
        local_hour = ((self.hours // HOUR_US) - 7) % 24
        hours = self.hours[
            (local_hour >= 7) & (local_hour < 22)
        ]  # the support agent runs 07:00-22:00 Pacific
        n = len(hours)
        local_hour = ((hours // HOUR_US) - 7) % 24
        diurnal = 0.35 + 0.65 * np.exp(-(((local_hour - 14) / 5.0) ** 2))
        tokens_in = np.rint(rng.gamma(4.0, 1.0, n) * 2.5e6 * self.scale * diurnal).astype(np.int64) + 1000
        tokens_out = np.rint(tokens_in * rng.uniform(0.15, 0.3, n)).astype(np.int64)
        place = Place("aif-inference-prod", "global", country=None)
        labels = [{"key": "team", "value": "ml-platform"}, {"key": "app", "value": "support-agent"}]
        for key, tokens in (("gemini_in", tokens_in), ("gemini_out", tokens_out)):
            sku = SKUS[key]
            price = gen._sku_price(sku)
            cost = np.array([int((price * int(t) * MICROS).to_integral_value()) for t in tokens], np.int64)
            credits = [[] for _ in range(n)]
            if key == "gemini_in":  # assumption: a subscription covering 10 % of input tokens
                credits = [
                    [
                        _credit(
                            "Gemini Enterprise subscription benefit",
                            -round(c * 0.1),
                            "SUBSCRIPTION_BENEFIT",
                            "subscription-benefit-44f0",
                            "Gemini Enterprise subscription benefit",
                        )
                    ]
                    if round(c * 0.1)
                    else []
                    for c in cost
                ]
            gen.emit(
                sku,
                place,
                hours,
                self.months(n),
                cost,
                pricing_amount=tokens.astype(float),
                labels=labels,
                credits=credits,
            )

    def _late(self, starts: np.ndarray) -> tuple[list[str], np.ndarray | None]:
        """Usage of the month's last hours arrives after the month closed and is billed in the next one."""
        n = len(starts)
        if self.last:
            return self.months(n), None
        late = starts >= self.hours[-4]
        months = [self.next_label if x else self.label for x in late]
        rng = self.rng("late", int(starts[0]), n)
        delay = (rng.integers(3_600, 30 * 3_600, n) * 1_000_000 + rng.integers(0, 1_000_000, n)).astype(
            np.int64
        )
        delay[late] = (rng.integers(40 * 3_600, 60 * 3_600, int(late.sum())) * 1_000_000).astype(np.int64)
        return months, delay

    def _storage_network_bigquery(self) -> None:
        gen = self.gen
        rng = self.rng("storage")
        n = len(self.hours)
        discount = Decimal(
            "0.05"
        )  # assumption: a contractual 5 % on storage and egress (credits.type DISCOUNT)
        # datasets bucket, growing through the month
        gib = np.linspace(40_000, 46_000, n) * max(self.scale, 0.05) * (1 + 0.05 * self.index)
        sku = SKUS["gcs_standard"]
        price = gen._sku_price(sku)
        pricing = gib / 730.0
        cost = _micros(pricing * float(price))
        credits = [
            [
                _credit(
                    "Committed spend discount",
                    -int(c * discount),
                    "DISCOUNT",
                    "discount-contract-2026",
                    "Contract discount",
                )
            ]
            if int(c * discount)
            else []
            for c in cost
        ]
        months, delay = self._late(self.hours)
        project = gen.projects["aif-data-platform"]
        gen.emit(
            sku,
            Place("aif-data-platform", "us", country="US"),
            self.hours,
            months,
            cost,
            pricing_amount=pricing,
            labels=[{"key": "team", "value": "data"}],
            resource={
                "name": "aif-datasets",
                "global_name": "//storage.googleapis.com/projects/_/buckets/aif-datasets",
            },
            credits=credits,
            export_delay=delay,
            system_labels=[{"key": "storage.googleapis.com/object_state", "value": "live"}],
        )
        del project
        # internet egress from the inference project
        sku = SKUS["egress"]
        gib_out = rng.gamma(2.0, 1.5, n) * 20 * max(self.scale, 0.05)
        cost = _micros(gib_out * float(gen._sku_price(sku)))
        credits = [
            [
                _credit(
                    "Committed spend discount",
                    -int(c * discount),
                    "DISCOUNT",
                    "discount-contract-2026",
                    "Contract discount",
                )
            ]
            if int(c * discount)
            else []
            for c in cost
        ]
        months, delay = self._late(self.hours)
        gen.emit(
            sku,
            Place("aif-inference-prod", "us-central1", country="US"),
            self.hours,
            months,
            cost,
            pricing_amount=gib_out,
            credits=credits,
            export_delay=delay,
            usage_amount=np.rint(gib_out * GIB),
        )
        self._egress = (self.hours, cost, gib_out)
        # BigQuery analysis in business hours, with the monthly free tebibyte
        sku = SKUS["bq_analysis"]
        local_hour = ((self.hours // HOUR_US) - 7) % 24
        busy = (local_hour >= 8) & (local_hour < 18)
        starts = self.hours[busy]
        tib = rng.gamma(2.0, 0.15, len(starts)) * max(self.scale, 0.05) * 4
        price = gen._sku_price(sku)
        cost = _micros(tib * float(price))
        free_left = int(price * MICROS)  # one tebibyte
        credits = []
        for c in cost:
            amount = min(int(c), free_left)
            free_left -= amount
            credits.append(
                [_credit("Free tier", -amount, "FREE_TIER", "free-tier-bigquery-analysis")] if amount else []
            )
        gen.emit(
            sku,
            Place("aif-data-platform", "us", country="US"),
            starts,
            self.months(len(starts)),
            cost,
            pricing_amount=tib,
            usage_amount=np.rint(tib * GIB * 1024),
            credits=credits,
            labels=[{"key": "team", "value": "data"}],
        )

    def _adjustments(self) -> None:
        """Tax per project, a rounding error, a goodwill credit, and corrections of last month's egress."""
        gen = self.gen
        month_start = self.hours[0]
        month_end = self.hours[-1] + HOUR_US
        rng = self.rng("adjustments")
        closing = month_end + DAY_US + int(rng.integers(0, 3_600)) * 1_000_000
        # Tax: 6.25 % on the inference project's regular cost so far this month (assumption: one tax row per
        # taxed project and month; service and SKU as we model them, Google documents neither).
        taxed = "aif-inference-prod"
        cols = gen.rows.columns
        base = 0
        for k in range(self.first_row, len(cols["cost"])):
            if (
                (cols["project"][k] or {}).get("id") == taxed
                and cols["invoice"][k]["month"] == self.label
                and cols["cost_type"][k] == "regular"
            ):
                base += int(cols["cost"][k]) + sum(round(c["amount"] * MICROS) for c in cols["credits"][k])
        tax = round(base * 0.0625)
        one = np.array([month_start], np.int64)
        span = int((month_end - month_start) // HOUR_US)
        gen.emit(
            None,
            Place(taxed, "global", country="US"),
            one,
            [self.label],
            np.array([tax], np.int64),
            hours=span,
            sku_description="Tax",
            service="Invoice",
            cost_type="tax",
            export_delay=np.array([closing - month_end], np.int64),
        )
        rounding = int(rng.integers(-9_000, 9_000)) or 1
        gen.emit(
            None,
            Place(None, "global", country=None),
            one,
            [self.label],
            np.array([rounding], np.int64),
            hours=span,
            sku_description="Rounding error",
            service="Invoice",
            cost_type="rounding_error",
            export_delay=np.array([closing - month_end + 60_000_000], np.int64),
        )
        if self.index == 1 or (self.index == 0 and self.last):
            gen.emit(
                None,
                Place("aif-inference-prod", "us-central1", country="US"),
                np.array([month_start + 10 * DAY_US], np.int64),
                [self.label],
                np.array([-25_000_000], np.int64),
                service=CE,
                cost_type="adjustment",
                adjustment={
                    "id": _uuid(self.seed, "goodwill", self.label),
                    "description": "Goodwill credit for the 2026 us-central1 capacity incident",
                    "mode": "MANUAL_ADJUSTMENT",
                    "type": "GOODWILL",
                },
            )

    def corrections_for_next_month(self) -> None:
        """Two egress hours of this month corrected in the next invoice month: negated, then restated at 80 %."""
        if self.last:
            return
        gen = self.gen
        hours, cost, gib_out = self._egress
        picks = [len(hours) // 3, len(hours) // 2]
        sku = SKUS["egress"]
        for k in picks:
            start = np.array([hours[k]], np.int64)
            original = int(cost[k])
            discount = int(original * Decimal("0.05"))
            restated = round(original * 0.8)
            restated_discount = int(restated * Decimal("0.05"))
            delay = np.array([int(hours[-1] - hours[k]) + 5 * DAY_US], np.int64)
            info = {
                "id": _uuid(self.seed, "correction", self.label, k),
                "description": "Usage correction",
                "mode": "COMPLETE_NEGATION_WITH_REMONETIZATION",
                "type": "USAGE_CORRECTION",
            }
            for sign, amount, credit, quantity in (
                (-1, original, discount, gib_out[k]),
                (1, restated, restated_discount, gib_out[k] * 0.8),
            ):
                gen.emit(
                    sku,
                    Place("aif-inference-prod", "us-central1", country="US"),
                    start,
                    [self.next_label],
                    np.array([sign * amount], np.int64),
                    pricing_amount=np.array([sign * quantity]),
                    usage_amount=np.array([sign * round(quantity * GIB)]),
                    cost_type="adjustment",
                    adjustment=info,
                    credits=[
                        [
                            _credit(
                                "Committed spend discount",
                                -sign * credit,
                                "DISCOUNT",
                                "discount-contract-2026",
                                "Contract discount",
                            )
                        ]
                    ]
                    if credit
                    else [[]],
                    export_delay=delay,
                )


# --------------------------------------------------------------------------------------------------
# the research account (EUR, 2023-12 and 2024-01)


class ResearchMonth(PlatformMonth):
    def __init__(self, gen: AccountGenerator, year: int, month: int, index: int, last: bool) -> None:
        super().__init__(gen, year, month, index, last)

    def rng(self, *keys: object) -> np.random.Generator:
        return _rng(self.seed, "research", self.label, *keys)

    def corrections_for_next_month(self) -> None:
        return

    def generate(self) -> None:
        gen = self.gen
        n_vms = max(1, round(3 * self.scale))
        masks = np.stack([_activity(self.rng("run", i), len(self.hours), 0.78, 80) for i in range(n_vms)])
        parts = {"n1_core_emea": 8, "n1_ram_emea": 30, "t4_emea": 1}
        commitments = [
            Commitment(
                _uuid(self.seed, "cud", "t4-emea"),
                "resource",
                "europe-west4",
                {"t4_emea": 2},
                Decimal("0.37"),
                "rl-experiments",
            ),
            Commitment(
                _uuid(self.seed, "cud", "n1-emea"),
                "resource",
                "europe-west4",
                {"n1_core_emea": 16, "n1_ram_emea": 60},
                Decimal("0.37"),
                "rl-experiments",
            ),
        ]
        rank = np.cumsum(masks, axis=0)
        cover = masks & (rank <= 2)
        covered_vms = cover.sum(axis=0)
        with_ids = np.array([_from_us(int(h)) >= _SUBSCRIPTION_ID_FROM for h in self.hours])
        place = Place("rl-experiments", "europe-west4", country="NL")
        for commitment in commitments:
            for resource, quantity in commitment.components.items():
                sku = SKUS[resource]
                fee_price = (gen._sku_price(sku) * (1 - commitment.discount)).quantize(Decimal("0.000001"))
                fee = int((fee_price * Decimal(quantity) * MICROS).to_integral_value())
                n = len(self.hours)
                subs = [commitment.id if w else None for w in with_ids]
                gen.emit(
                    None,
                    place,
                    self.hours,
                    self.months(n),
                    np.full(n, fee, np.int64),
                    pricing_amount=float(quantity),
                    sku_description=FEE_SKUS[resource],
                    service=CE,
                    usage_unit=sku.usage_unit,
                    pricing_unit=sku.pricing_unit,
                    base_per_pricing=sku.base_per_pricing,
                    unit_price=fee_price,
                    subscription=subs,
                )
                for h in range(n):
                    gen.commitment_hours.append(
                        {
                            "commitment": commitment.id if with_ids[h] else None,
                            "pool_region": "europe-west4",
                            "pool_type": "COMMITTED_USAGE_DISCOUNT",
                            "month": self.label,
                            "hour": int(self.hours[h]),
                            "fee": fee,
                            "committed": Decimal(quantity),
                            "covered": Decimal(int(covered_vms[h]) * parts[resource]),
                        }
                    )
        owner = {"t4_emea": commitments[0], "n1_core_emea": commitments[1], "n1_ram_emea": commitments[1]}
        project = gen.projects["rl-experiments"]
        for i in range(n_vms):
            mask = masks[i]
            starts = self.hours[mask]
            n = len(starts)
            if n == 0:
                continue
            vm = f"research-t4-{i}"
            instance = str(int.from_bytes(_digest(self.seed, "instance", vm)[:7], "little"))
            resource = {
                "name": vm,
                "global_name": f"//compute.googleapis.com/projects/{project.number}/zones/europe-west4-a/instances/{instance}",
            }
            labels = [{"key": "team", "value": "nlp-lab"}, {"key": "workload", "value": "experiments"}]
            system = [
                {"key": "compute.googleapis.com/machine_spec", "value": "n1-standard-8"},
                {"key": "compute.googleapis.com/cores", "value": "8"},
                {"key": "compute.googleapis.com/memory", "value": "30720"},
            ]
            covered = cover[i][mask]
            to_date = np.cumsum(mask)[mask] / len(self.hours)
            sud_rate = (
                np.select([to_date <= 0.25, to_date <= 0.5, to_date <= 0.75], [0.0, 0.2, 0.4], 0.6) * 0.5
            )
            vm_place = Place("rl-experiments", "europe-west4", zone="europe-west4-a", country="NL")
            for key, quantity in parts.items():
                sku = SKUS[key]
                unit_cost = int((gen._sku_price(sku) * quantity * MICROS).to_integral_value())
                cost = np.full(n, unit_cost, np.int64)
                credits, subs = [], []
                for j in range(n):
                    if covered[j]:
                        credits.append(
                            [_credit(_cud_credit_name(key), -unit_cost, "COMMITTED_USAGE_DISCOUNT")]
                        )
                        subs.append(
                            owner[key].id if _from_us(int(starts[j])) >= _SUBSCRIPTION_ID_FROM else None
                        )
                    else:
                        amount = round(unit_cost * sud_rate[j])
                        credits.append(
                            [_credit("Sustained Usage Discount", -amount, "SUSTAINED_USAGE_DISCOUNT")]
                            if amount
                            else []
                        )
                        subs.append(None)
                gen.emit(
                    sku,
                    vm_place,
                    starts,
                    self.months(n),
                    cost,
                    pricing_amount=float(quantity),
                    labels=labels,
                    system_labels=system,
                    resource=resource,
                    credits=credits,
                    subscription=subs,
                )
        self._cloud_sql(with_ids)
        self._storage()
        self._closing()

    def _cloud_sql(self, with_ids: np.ndarray) -> None:
        """A Cloud SQL instance around the clock under a legacy spend-based CUD (credits, fee per unit)."""
        gen = self.gen
        n = len(self.hours)
        place = Place("rl-shared-services", "europe-west4", zone="europe-west4-b", country="NL")
        commitment_id = _uuid(self.seed, "cud", "cloud-sql-emea")
        eligible = np.zeros(n, np.int64)
        project = gen.projects["rl-shared-services"]
        resource = {
            "name": "experiments-db",
            "global_name": f"//cloudsql.googleapis.com/projects/{project.id}/instances/experiments-db",
        }
        for key, quantity in (("sql_core", 4), ("sql_ram", 16)):
            sku = SKUS[key]
            unit_cost = int((gen._sku_price(sku) * quantity * MICROS).to_integral_value())
            cost = np.full(n, unit_cost, np.int64)
            eligible += cost
            credits = [
                [
                    _credit(
                        "Committed use discount - dollar based",
                        -unit_cost,
                        "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
                        "cud-spend-cloudsql-18",
                        "Spend-based committed use discount",
                    )
                ]
                for _ in range(n)
            ]
            subs = [commitment_id if w else None for w in with_ids]
            gen.emit(
                sku,
                place,
                self.hours,
                self.months(n),
                cost,
                pricing_amount=float(quantity),
                resource=resource,
                labels=[{"key": "team", "value": "nlp-lab"}],
                credits=credits,
                subscription=subs,
            )
        commit = math.ceil(int(eligible.max()) * 1.25 / 10_000) * 10_000
        discount = Decimal("0.25")
        fee = int(Decimal(commit) * (1 - discount))
        subs = [commitment_id if w else None for w in with_ids]
        gen.emit(
            None,
            Place("rl-shared-services", "europe-west4", country="NL"),
            self.hours,
            self.months(n),
            np.full(n, fee, np.int64),
            pricing_amount=commit / MICROS,
            sku_description=FEE_SKUS["sql_legacy"],
            service="Cloud SQL",
            usage_unit=gen.account.currency,
            pricing_unit=gen.account.currency,
            base_per_pricing=1.0,
            unit_price=Decimal(1) - discount,
            subscription=subs,
        )
        for h in range(n):
            gen.commitment_hours.append(
                {
                    "commitment": commitment_id if with_ids[h] else None,
                    "pool_region": "europe-west4",
                    "pool_type": "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
                    "month": self.label,
                    "hour": int(self.hours[h]),
                    "fee": fee,
                    "committed": Decimal(commit).scaleb(-6),
                    "covered": Decimal(int(eligible[h])).scaleb(-6),
                }
            )

    def _storage(self) -> None:
        gen = self.gen
        n = len(self.hours)
        sku = SKUS["gcs_standard_eu"]
        gib = np.linspace(8_000, 9_000, n) * max(self.scale, 0.05)
        pricing = gib / 730.0
        cost = _micros(pricing * float(gen._sku_price(sku)))
        budget = int(max(30.0, 150.0 * self.scale) * MICROS) if self.index == 0 else 0
        credits = []
        for c in cost:
            amount = min(int(c), budget)
            budget -= amount
            credits.append(
                [
                    _credit(
                        "Google Cloud research credits",
                        -amount,
                        "PROMOTION",
                        "research-credits-2023",
                        "Research credits",
                    )
                ]
                if amount
                else []
            )
        gen.emit(
            sku,
            Place("rl-shared-services", "europe-west4", country="NL"),
            self.hours,
            self.months(n),
            cost,
            pricing_amount=pricing,
            credits=credits,
            resource={
                "name": "rl-corpora",
                "global_name": "//storage.googleapis.com/projects/_/buckets/rl-corpora",
            },
        )

    def _closing(self) -> None:
        gen = self.gen
        month_end = self.hours[-1] + HOUR_US
        one = np.array([self.hours[0]], np.int64)
        span = int((month_end - self.hours[0]) // HOUR_US)
        rng = self.rng("closing")
        rounding = int(rng.integers(-9_000, 9_000)) or -1
        gen.emit(
            None,
            Place(None, "global", country=None),
            one,
            [self.label],
            np.array([rounding], np.int64),
            hours=span,
            sku_description="Rounding error",
            service="Invoice",
            cost_type="rounding error",
            export_delay=np.array([DAY_US], np.int64),
        )


# --------------------------------------------------------------------------------------------------
# files and truth


def _window(months: int, last_period: str) -> list[tuple[int, int]]:
    year, month = (int(x) for x in last_period.split("-"))
    out = []
    for _ in range(months):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _without_nulls(record: dict) -> dict:
    """The record without NULL fields, two levels deep (the export's RECORDs and REPEATED RECORDs)."""
    out = {}
    for key, value in record.items():
        if value is None:
            continue
        if type(value) is dict:
            value = {k: v for k, v in value.items() if v is not None}
        elif type(value) is list and value and type(value[0]) is dict:
            value = [{k: v for k, v in item.items() if v is not None} for item in value]
        out[key] = value
    return out


def _write_json(table: pa.Table, path: Path) -> None:
    """BigQuery's JSON export: one object per line, NULL fields left out, TIMESTAMP as text in UTC
    (`2026-10-01 07:00:00.5 UTC`), NUMERIC as text, and <, > and & escaped as \\u003c, \\u003e and \\u0026."""
    columns = {}
    for column_field in table.schema:
        column = table.column(column_field.name)
        if pa.types.is_timestamp(column_field.type):
            text = pc.strftime(column, format="%Y-%m-%d %H:%M:%S").to_pylist()  # %S carries the fraction
            columns[column_field.name] = [
                None if t is None else t.rstrip("0").rstrip(".") + " UTC" for t in text
            ]
        else:
            columns[column_field.name] = column.to_pylist()
    names = list(columns)

    def plain(value):
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)

    with path.open("w", encoding="utf-8") as handle:
        for i in range(table.num_rows):
            record = _without_nulls({name: columns[name][i] for name in names})
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=plain)
            line = line.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            handle.write(line + "\n")


def _write_extraction(
    out_dir: Path, prefix: str, account: Account, month: str, table: pa.Table, shards: int
) -> list[str]:
    folder = out_dir / prefix / account.billing_account_id / f"invoice_month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        stale.unlink()
    written = []
    per = math.ceil(table.num_rows / shards)
    for i in range(shards):
        part = table.slice(i * per, per)
        if account.file_format == "parquet":
            path = folder / f"part-{i:012d}.parquet"
            pq.write_table(
                part,
                path,
                compression="snappy",
                version="2.6",
                store_schema=False,
                write_statistics=True,
                row_group_size=65_536,
            )
        else:
            path = folder / f"part-{i:012d}.json"
            _write_json(part, path)
        written.append(path.relative_to(out_dir).as_posix())
    return written


def _micros_of(value: float | None) -> int:
    return 0 if value is None else round(value * MICROS)


def _month_truth(account: Account, month: str, table: pa.Table) -> dict:
    cost = sum(_micros_of(v) for v in table.column("cost").to_pylist())
    by_type: dict[str, int] = defaultdict(int)
    promotion_credits = 0
    for credits in table.column("credits").to_pylist():
        for c in credits:
            by_type[c["type"]] += _micros_of(c["amount"])
            promotion_credits += c["type"] == "PROMOTION"
    credits_total = sum(by_type.values())
    cost_types: dict[str, int] = defaultdict(int)
    for value in table.column("cost_type").to_pylist():
        cost_types[value] += 1
    return {
        "billing_account_id": account.billing_account_id,
        "invoice_month": month,
        "billing_period": f"{month[:4]}-{month[4:]}",
        "currency": account.currency,
        "row_count": table.num_rows,
        "cost": str(Decimal(cost).scaleb(-6)),
        "credits": str(Decimal(credits_total).scaleb(-6)),
        "credits_by_type": {k: str(Decimal(v).scaleb(-6)) for k, v in sorted(by_type.items())},
        "billed_cost": str(Decimal(cost + credits_total).scaleb(-6)),
        "effective_cost": str(Decimal(cost + credits_total).scaleb(-6)),
        "promotion_credit_rows": promotion_credits,
        "cost_type_rows": dict(sorted(cost_types.items())),
    }


def _commitment_truth(account: Account, hours: list[dict]) -> list[dict]:
    """Per commitment (or pre-2024-01-25 pool) x invoice month: fee billed, its used share, its unused share.

    used = fee x min(1, covered / committed) per hour; the rest is unused. Pools are billing account x region x
    CUD credit type, the key the dbt models use where `subscription.instance_id` is missing."""
    keyed: dict[tuple, dict] = {}
    for hour_rows in _group_hours(hours).values():
        fee = sum(h["fee"] for h in hour_rows)
        committed = sum(h["committed"] for h in hour_rows)
        covered = sum(h["covered"] for h in hour_rows)
        first = hour_rows[0]
        share = min(Decimal(1), covered / committed) if committed > 0 else Decimal(0)
        used = Decimal(fee) * share
        commitment = (
            first["commitment"]
            or f"gcp-cud-pool/{account.billing_account_id}/{first['pool_region']}/{first['pool_type']}"
        )
        entry = keyed.setdefault((commitment, first["month"]), {"fee": 0, "used": Decimal(0)})
        entry["fee"] += fee
        entry["used"] += used
    out = []
    for (commitment, month), entry in sorted(keyed.items()):
        fee = Decimal(entry["fee"]).scaleb(-6)
        used = (entry["used"] / MICROS).quantize(Decimal("0.000001"))
        out.append(
            {
                "billing_account_id": account.billing_account_id,
                "invoice_month": month,
                "commitment_discount_id": commitment,
                "pooled": commitment.startswith("gcp-cud-pool/"),
                "fee_billed_cost": str(fee),
                "used_effective_cost": str(used),
                "unused_effective_cost": str(fee - used),
            }
        )
    return out


def _group_hours(hours: list[dict]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for h in hours:
        key = h["commitment"] or ("pool", h["pool_region"], h["pool_type"])
        groups[(key, h["month"], h["hour"])].append(h)
    return groups


def _earlier(table: pa.Table, cutoff_us: int) -> pa.Table:
    """An earlier extraction of the same invoice month: the rows exported up to `cutoff_us`."""
    exported = table.column("export_time").cast(pa.int64()).to_numpy()
    return table.filter(pa.array(exported <= cutoff_us))


def generate_gcp_billing(
    out_dir: Path,
    *,
    seed: int = 42,
    scale: float = 1.0,
    months: int = 3,
    last_period: str = "2026-10",
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write deterministic GCP billing extractions (final and earlier) and their truth file.

    Args:
        out_dir: Root folder; files go under ``gcp/billing_export``, ``gcp/billing_export_earlier`` and ``truth``.
        seed: Random seed; the same arguments always give the same files.
        scale: 1.0 gives about 20,000 rows per invoice month of the AI platform account.
        months: Invoice months of the AI platform account, ending at ``last_period``.
        last_period: Last invoice month, ``YYYY-MM``; it is extracted after it closed.
        progress: Called as ``progress(done, total)`` after each usage month.

    Returns:
        A summary: files written (relative to ``out_dir``) and rows per account and invoice month.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if months < 1:
        raise ValueError("months must be at least 1")
    dt.datetime.strptime(last_period, "%Y-%m")
    out_dir = Path(out_dir)
    for prefix in ("billing_export", "billing_export_earlier"):
        stale = out_dir / "gcp" / prefix
        if stale.exists():
            for path in sorted(stale.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
    plans = [
        ("platform", _window(months, last_period), PlatformMonth),
        ("research", list(_RESEARCH_MONTHS), ResearchMonth),
    ]
    total_steps = sum(len(w) for _, w, _ in plans)
    done = 0
    files: list[str] = []
    totals, commitments, earlier, rows_per_month = [], [], [], {}
    for key, window, month_class in plans:
        account = ACCOUNTS[key]
        gen = AccountGenerator(seed, scale, key, account)
        previous = None
        for index, (year, month) in enumerate(window):
            usage_month = month_class(gen, year, month, index, index == len(window) - 1)
            usage_month.generate()
            if previous is not None:
                previous.corrections_for_next_month()
            previous = usage_month
            done += 1
            if progress:
                progress(done, total_steps)
        table = gen.table()
        invoice = np.array([m["month"] for m in table.column("invoice").to_pylist()])
        for i, (year, month) in enumerate(window):
            label = f"{year}{month:02d}"
            part = table.filter(pa.array(invoice == label))
            order = np.lexsort((part.column("export_time").cast(pa.int64()).to_numpy(),))
            part = part.take(pa.array(order))
            last = i == len(window) - 1
            shards = max(
                2 if last and account.file_format == "parquet" else 1,
                math.ceil(part.num_rows / _ROWS_PER_SHARD),
            )
            files += _write_extraction(out_dir, "gcp/billing_export", account, label, part, shards)
            totals.append(_month_truth(account, label, part))
            rows_per_month[f"{account.billing_account_id}/{label}"] = part.num_rows
            if key == "platform" and i >= len(window) - 2:
                # an extraction made before the final one: day 20 of the last month, day 1 after the one before
                start = _us(pacific_month_start(year, month))
                cutoff = start + (
                    19 * DAY_US
                    if last
                    else _us(pacific_month_start(*_next_month(year, month))) - start + 12 * HOUR_US
                )
                previous_part = _earlier(part, cutoff)
                files += _write_extraction(
                    out_dir, "gcp/billing_export_earlier", account, label, previous_part, 1
                )
                earlier.append(
                    {
                        **_month_truth(account, label, previous_part),
                        "extracted_through": _from_us(cutoff).isoformat(),
                    }
                )
        commitments += _commitment_truth(account, gen.commitment_hours)
    truth = {
        "generator": {
            "name": "ai_finops.generate.gcp_billing",
            "seed": seed,
            "scale": scale,
            "months": months,
            "last_period": last_period,
        },
        "accounts": {
            k: {
                "billing_account_id": a.billing_account_id,
                "name": a.name,
                "currency": a.currency,
                "file_format": a.file_format,
            }
            for k, a in ACCOUNTS.items()
        },
        "totals": totals,
        "commitments": commitments,
        "earlier_extractions": earlier,
    }
    truth_path = out_dir / "truth" / "gcp_billing.json"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    files.append(truth_path.relative_to(out_dir).as_posix())
    return {
        "files": files,
        "rows_per_invoice_month": rows_per_month,
        "truth_file": truth_path.relative_to(out_dir).as_posix(),
    }
