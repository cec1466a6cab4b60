"""Deterministic demo data for Azure Cost Management exports: cost and usage details, actual and amortized.

Two billing accounts of one AI-heavy organisation, each exporting both datasets with the export manifest
(provider_exports.md §2.2)::

    <out_dir>/azure/exports/<scope>/<export>/<YYYYMMDD-YYYYMMDD>/<run yyyyMMddHHmm>/<run guid>/
        manifest.json   exportConfig.type ActualCost | AmortizedCost, runInfo.startDate = the billing month
        part_0_0001.csv | part_0_0001.snappy.parquet
    <out_dir>/truth/azure_cost.json   per billing account x period x currency: Σ actual, Σ amortized, rows

* **EA** enrolment `74318265` (USD, East US): the current EA column set (PascalCase, `2024-08-01`), CSV with a
  UTF-8 BOM, US dates (`09/01/2026`) and tags without outer braces. GPU VMs (ND H100 v5 training VMs, an Azure
  ML ND A100 v4 compute cluster, an AKS NC A100 v4 node pool and a Spot one, NV A10 v5 workstations), Azure ML
  managed online endpoints on NCasT4_v3 (tags `azuremlendpoint` / `azuremldeployment`), storage, bandwidth, a
  monthly H100 reservation, a compute savings plan, a Marketplace SaaS charge with one refund, and one
  reservation refund (an exchange).
* **MCA** billing profile `QX7Z-KL2M-BG7-PGB` (EUR, priced in USD and converted with
  `exchangeRatePricingToBilling`, West Europe): the MCA column set (camelCase, `2023-12-01-preview`),
  Parquet with typed dates. An AKS NC A100 v4 pool partly covered by an upfront (One-Time) two-instance
  reservation bought at the start of the second period, an Azure ML endpoint, Spot training, storage and
  bandwidth. Its first period has the actual export only (the amortized export was created later), so the
  FOCUS rows of that period carry `x_amortization_available = false`.

The last period also has an earlier month-to-date run (days 1-15) in the same export folders; ingesting a
folder reads only the latest complete run of each month, so it is superseded.

The two datasets are consistent the way Azure's are (provider_exports.md §2.4): usage covered by a
commitment costs 0 in actual and the amortized rate in amortized; purchases and commitment refunds appear in
actual only; `UnusedReservation` / `UnusedSavingsPlan` rows in amortized only. So per billing account and
month Σ actual = Σ amortized non-commitment rows + commitment purchases and refunds, which is what the FOCUS
reconciliation proves.

Everything is a function of the arguments. Money is generated as integer nano-units of the billing currency
(nine decimals), so the truth file's decimal totals are exact. Meter names, part numbers and product names
are plausible, not copied from a price sheet ("assumption" below).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "EA_BILLING_ACCOUNT_ID",
    "EA_COLUMNS",
    "MCA_BILLING_PROFILE_ID",
    "MCA_COLUMNS",
    "generate_azure_cost",
]

NANOS = 1_000_000_000
# scale=1.0 gives about 2,300 amortized rows a month over both accounts; this turns scale into fleet sizes.
_FLEET_UNITS_PER_SCALE = 4
EA_BILLING_ACCOUNT_ID = "74318265"
MCA_BILLING_ACCOUNT_ID = (
    "6f4b2a10-93c7-4d5e-8a1f-2b3c4d5e6f70:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d_2019-05-31"
)
MCA_BILLING_PROFILE_ID = "QX7Z-KL2M-BG7-PGB"

# The EA "Cost and usage details" header (2024-08-01), in the order of the anonymised EA export sample
# (provider_exports.md §2.3).
EA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("InvoiceSectionName", "invoice_section_name"),
    ("AccountName", "account_name"),
    ("AccountOwnerId", "account_owner_id"),
    ("SubscriptionId", "subscription_id"),
    ("SubscriptionName", "subscription_name"),
    ("ResourceGroup", "resource_group"),
    ("ResourceLocation", "resource_location"),
    ("Date", "date"),
    ("ProductName", "product_name"),
    ("MeterCategory", "meter_category"),
    ("MeterSubCategory", "meter_sub_category"),
    ("MeterId", "meter_id"),
    ("MeterName", "meter_name"),
    ("MeterRegion", "meter_region"),
    ("UnitOfMeasure", "unit_of_measure"),
    ("Quantity", "quantity"),
    ("EffectivePrice", "effective_price"),
    ("CostInBillingCurrency", "cost"),
    ("CostCenter", "cost_center"),
    ("ConsumedService", "consumed_service"),
    ("ResourceId", "resource_id"),
    ("Tags", "tags"),
    ("OfferId", "offer_id"),
    ("AdditionalInfo", "additional_info"),
    ("ServiceInfo1", "service_info1"),
    ("ServiceInfo2", "service_info2"),
    ("ResourceName", "resource_name"),
    ("ReservationId", "reservation_id"),
    ("ReservationName", "reservation_name"),
    ("UnitPrice", "unit_price"),
    ("ProductOrderId", "product_order_id"),
    ("ProductOrderName", "product_order_name"),
    ("Term", "term"),
    ("PublisherType", "publisher_type"),
    ("PublisherName", "publisher_name"),
    ("ChargeType", "charge_type"),
    ("Frequency", "frequency"),
    ("PricingModel", "pricing_model"),
    ("AvailabilityZone", "availability_zone"),
    ("BillingAccountId", "billing_account_id"),
    ("BillingAccountName", "billing_account_name"),
    ("BillingCurrencyCode", "billing_currency"),
    ("BillingPeriodStartDate", "billing_period_start_date"),
    ("BillingPeriodEndDate", "billing_period_end_date"),
    ("BillingProfileId", "billing_profile_id"),
    ("BillingProfileName", "billing_profile_name"),
    ("InvoiceSectionId", "invoice_section_id"),
    ("IsAzureCreditEligible", "is_azure_credit_eligible"),
    ("PartNumber", "part_number"),
    ("PayGPrice", "payg_price"),
    ("PlanName", "plan_name"),
    ("ServiceFamily", "service_family"),
    ("CostAllocationRuleName", "cost_allocation_rule_name"),
    ("benefitId", "benefit_id"),
    ("benefitName", "benefit_name"),
)

# The MCA "Cost and usage details" header (2023-12-01-preview), provider_exports.md §2.3.
MCA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("invoiceId", "invoice_id"),
    ("previousInvoiceId", "previous_invoice_id"),
    ("billingAccountId", "billing_account_id"),
    ("billingAccountName", "billing_account_name"),
    ("billingProfileId", "billing_profile_id"),
    ("billingProfileName", "billing_profile_name"),
    ("invoiceSectionId", "invoice_section_id"),
    ("invoiceSectionName", "invoice_section_name"),
    ("resellerName", "reseller_name"),
    ("resellerMpnId", "reseller_mpn_id"),
    ("costCenter", "cost_center"),
    ("billingPeriodEndDate", "billing_period_end_date"),
    ("billingPeriodStartDate", "billing_period_start_date"),
    ("servicePeriodEndDate", "service_period_end_date"),
    ("servicePeriodStartDate", "service_period_start_date"),
    ("date", "date"),
    ("serviceFamily", "service_family"),
    ("productOrderId", "product_order_id"),
    ("productOrderName", "product_order_name"),
    ("consumedService", "consumed_service"),
    ("meterId", "meter_id"),
    ("meterName", "meter_name"),
    ("meterCategory", "meter_category"),
    ("meterSubCategory", "meter_sub_category"),
    ("meterRegion", "meter_region"),
    ("ProductId", "product_id"),
    ("ProductName", "product_name"),
    ("SubscriptionId", "subscription_id"),
    ("subscriptionName", "subscription_name"),
    ("publisherType", "publisher_type"),
    ("publisherId", "publisher_id"),
    ("publisherName", "publisher_name"),
    ("resourceGroupName", "resource_group"),
    ("ResourceId", "resource_id"),
    ("resourceLocation", "resource_location"),
    ("location", "location"),
    ("effectivePrice", "effective_price"),
    ("quantity", "quantity"),
    ("unitOfMeasure", "unit_of_measure"),
    ("chargeType", "charge_type"),
    ("billingCurrency", "billing_currency"),
    ("pricingCurrency", "pricing_currency"),
    ("costInBillingCurrency", "cost"),
    ("costInPricingCurrency", "cost_in_pricing_currency"),
    ("costInUsd", "cost_in_usd"),
    ("paygCostInBillingCurrency", "payg_cost_in_billing_currency"),
    ("paygCostInUsd", "payg_cost_in_usd"),
    ("exchangeRatePricingToBilling", "exchange_rate"),
    ("exchangeRateDate", "exchange_rate_date"),
    ("isAzureCreditEligible", "is_azure_credit_eligible"),
    ("serviceInfo1", "service_info1"),
    ("serviceInfo2", "service_info2"),
    ("additionalInfo", "additional_info"),
    ("tags", "tags"),
    ("PayGPrice", "payg_price"),
    ("frequency", "frequency"),
    ("term", "term"),
    ("reservationId", "reservation_id"),
    ("reservationName", "reservation_name"),
    ("pricingModel", "pricing_model"),
    ("unitPrice", "unit_price"),
    ("costAllocationRuleName", "cost_allocation_rule_name"),
    ("benefitId", "benefit_id"),
    ("benefitName", "benefit_name"),
    ("provider", "provider"),
)

_MONEY_FIELDS = frozenset({
    "effective_price", "cost", "unit_price", "payg_price", "cost_in_pricing_currency", "cost_in_usd",
    "payg_cost_in_billing_currency", "payg_cost_in_usd",
})  # fmt: skip
_DATE_FIELDS = frozenset({
    "date", "billing_period_start_date", "billing_period_end_date", "service_period_start_date",
    "service_period_end_date",
})  # fmt: skip


# ------------------------------------------------------------------------------------------------------------
# helpers


def _digest(seed: int, *keys: object) -> bytes:
    return hashlib.sha256("|".join(str(k) for k in (seed, *keys)).encode()).digest()


def _uuid(seed: int, *keys: object) -> str:
    return str(uuid.UUID(bytes=_digest(seed, *keys)[:16], version=4))


def _rng(seed: int, *keys: object) -> random.Random:
    return random.Random(int.from_bytes(_digest(seed, "rng", *keys)[:8], "big"))


def _money(nanos: int) -> str:
    """Nano-units as a plain decimal string (no exponent, no trailing zeros)."""
    text = format(Decimal(nanos) / NANOS, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _nanos(amount: str | Decimal) -> int:
    return int((Decimal(amount) * NANOS).to_integral_value(ROUND_HALF_EVEN))


def _round6(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"), ROUND_HALF_EVEN)


def _cost(quantity: Decimal, price_nanos: int) -> int:
    return int((quantity * price_nanos).to_integral_value(ROUND_HALF_EVEN))


# ------------------------------------------------------------------------------------------------------------
# plan


@dataclass(frozen=True)
class _Period:
    label: str  # YYYY-MM
    start: date
    days: int

    @property
    def end(self) -> date:  # inclusive, as Azure writes BillingPeriodEndDate
        return self.start + timedelta(days=self.days - 1)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)


def _periods(months: int, last_period: str) -> tuple[_Period, ...]:
    year, month = (int(p) for p in last_period.split("-"))
    out = []
    for back in range(months - 1, -1, -1):
        y, m = year, month - back
        while m < 1:
            y, m = y - 1, m + 12
        start = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(_Period(f"{y:04d}-{m:02d}", start, (nxt - start).days))
    return tuple(out)


@dataclass(frozen=True)
class _Account:
    key: str  # ea | mca
    billing_account_id: str
    billing_account_name: str
    billing_profile_id: str
    billing_profile_name: str
    currency: str
    region: str  # ARM location
    meter_region: str
    invoice_section: str
    columns: tuple[tuple[str, str], ...]
    file_format: str  # csv | parquet
    data_version: str
    scope: str  # export scope resource id


EA = _Account(
    key="ea",
    billing_account_id=EA_BILLING_ACCOUNT_ID,
    billing_account_name="Contoso AI Research",
    billing_profile_id=EA_BILLING_ACCOUNT_ID,
    billing_profile_name="Contoso AI Research",
    currency="USD",
    region="eastus",
    meter_region="US East",
    invoice_section="AI Platform",
    columns=EA_COLUMNS,
    file_format="csv",
    data_version="2024-08-01",
    scope=f"/providers/Microsoft.Billing/billingAccounts/{EA_BILLING_ACCOUNT_ID}",
)
MCA = _Account(
    key="mca",
    billing_account_id=MCA_BILLING_ACCOUNT_ID,
    billing_account_name="Contoso Europe GmbH",
    billing_profile_id=MCA_BILLING_PROFILE_ID,
    billing_profile_name="Contoso Europe Billing",
    currency="EUR",
    region="westeurope",
    meter_region="EU West",
    invoice_section="GenAI Europe",
    columns=MCA_COLUMNS,
    file_format="parquet",
    data_version="2023-12-01-preview",
    scope=(
        f"/providers/Microsoft.Billing/billingAccounts/{MCA_BILLING_ACCOUNT_ID}"
        f"/billingProfiles/{MCA_BILLING_PROFILE_ID}"
    ),
)


@dataclass(frozen=True)
class _Meter:
    """One Azure meter. `payg_usd` is the list price per unit of measure (USD per hour for VMs: the public
    pay-as-you-go rates of seeds/gpu_instance_catalog.csv; other prices are assumptions)."""

    category: str
    subcategory: str
    name: str
    unit: str
    payg_usd: str
    service_family: str
    product: str
    vm_size: str | None = None

    def meter_id(self, seed: int, account: _Account) -> str:
        return _uuid(seed, "meter", account.key, self.category, self.subcategory, self.name)


def _vm_meter(series: str, size: str, name: str, payg: str, spot: bool = False) -> _Meter:
    suffix = " Spot" if spot else ""
    return _Meter(
        "Virtual Machines",
        f"{series} Series",
        f"{name}{suffix}",
        "1 Hour",
        payg,
        "Compute",
        f"Virtual Machines {series} Series - {name}{suffix}",
        size,
    )


H100 = _vm_meter("ND H100 v5", "Standard_ND96isr_H100_v5", "ND96isr H100 v5", "98.32")
A100_ND = _vm_meter("NDAMSv4_A100", "Standard_ND96amsr_A100_v4", "ND96amsr A100 v4", "32.77")
A100_NC = _vm_meter("NCADS_A100_v4", "Standard_NC24ads_A100_v4", "NC24ads A100 v4", "3.673")
A100_NC_SPOT = _vm_meter("NCADS_A100_v4", "Standard_NC24ads_A100_v4", "NC24ads A100 v4", "1.1019", spot=True)
T4 = _vm_meter("NCasT4 v3", "Standard_NC16as_T4_v3", "NC16as T4 v3", "1.204")
T4_SMALL = _vm_meter("NCasT4 v3", "Standard_NC4as_T4_v3", "NC4as T4 v3", "0.526")
A10 = _vm_meter("NVadsA10 v5", "Standard_NV36ads_A10_v5", "NV36ads A10 v5", "3.2")
BLOB_HOT = _Meter(
    "Storage",
    "Tiered Block Blob",
    "Hot LRS Data Stored",
    "1 GB/Month",
    "0.0208",
    "Storage",
    "Blob Storage - Hot LRS",
)
BLOB_WRITES = _Meter(
    "Storage",
    "Tiered Block Blob",
    "Hot LRS Write Operations",
    "10K",
    "0.055",
    "Storage",
    "Blob Storage - Hot",
)
DISK_P30 = _Meter(
    "Storage",
    "Premium SSD Managed Disks",
    "P30 LRS Disk",
    "1/Month",
    "135.17",
    "Storage",
    "Premium SSD Managed Disks - P30 LRS",
)
EGRESS = _Meter(
    "Bandwidth",
    "Rtn Preference: MGN",
    "Standard Data Transfer Out",
    "1 GB",
    "0.087",
    "Networking",
    "Rtn Preference: MGN - Standard Data Transfer Out",
)
INTER_REGION = _Meter(
    "Bandwidth",
    "Inter-Region",
    "Inter-Region Data Transfer Out",
    "1 GB",
    "0.02",
    "Networking",
    "Bandwidth - Inter-Region Data Transfer Out",
)
NVAIE = _Meter(
    "SaaS",
    "NVIDIA AI Enterprise",
    "NVIDIA AI Enterprise - Monthly",
    "1 Month",
    "4500",
    "Compute",
    "NVIDIA AI Enterprise - Monthly subscription",
)


@dataclass(frozen=True)
class _Commitment:
    kind: str  # Reservation | SavingsPlan
    benefit_id: str
    name: str
    order_id: str
    order_name: str
    term: str  # months
    hourly_nanos: int  # amortised rate per reserved instance-hour (RI) or hourly commitment (SP)
    instances: int  # reserved instances (RI); 1 for SP
    frequency: str  # Recurring (monthly) | OneTime (upfront)
    start: date
    meter: _Meter | None
    days: int  # term in days (upfront amortisation)

    def active(self, day: date) -> bool:
        return self.start <= day < self.start + timedelta(days=self.days)


def _reservation(seed: int, account: _Account, name: str, meter: _Meter, instances: int, rate_share: str,
                 term: str, frequency: str, start: date, fx: Decimal) -> _Commitment:  # fmt: skip
    order = _uuid(seed, "reservation-order", account.key, name)
    res = _uuid(seed, "reservation", account.key, name)
    hourly = _nanos(Decimal(meter.payg_usd) * Decimal(rate_share) * fx)
    return _Commitment(
        kind="Reservation",
        benefit_id=f"/providers/Microsoft.Capacity/reservationOrders/{order}/reservations/{res}",
        name=name,
        order_id=order,
        order_name=f"Reserved VM Instance, {meter.vm_size}, {account.meter_region}, {int(term) // 12} Year"
        + ("s" if int(term) > 12 else ""),
        term=term,
        hourly_nanos=hourly,
        instances=instances,
        frequency=frequency,
        start=start,
        meter=meter,
        days=365 * int(term) // 12,
    )


def _savings_plan(
    seed: int, account: _Account, name: str, hourly_nanos: int, start: date, term: str
) -> _Commitment:
    order = _uuid(seed, "sp-order", account.key, name)
    plan = _uuid(seed, "sp", account.key, name)
    return _Commitment(
        kind="SavingsPlan",
        benefit_id=f"/providers/Microsoft.BillingBenefits/savingsPlanOrders/{order}/savingsPlans/{plan}",
        name=name,
        order_id=order,
        order_name=f"Compute savings plan, {int(term) // 12} Year" + ("s" if int(term) > 12 else ""),
        term=term,
        hourly_nanos=hourly_nanos,
        instances=1,
        frequency="Recurring",
        start=start,
        meter=None,
        days=365 * int(term) // 12,
    )


@dataclass(frozen=True)
class _Subscription:
    id: str
    name: str
    cost_center: str


@dataclass
class _Rows:
    """The rows of one account x period, before they are split into the two datasets."""

    usage: list[dict] = field(default_factory=list)  # both datasets (covered usage: cost per dataset)
    actual_only: list[dict] = field(default_factory=list)  # purchases and commitment refunds
    amortized_only: list[dict] = field(default_factory=list)  # UnusedReservation / UnusedSavingsPlan


# ------------------------------------------------------------------------------------------------------------
# the generator of one account x period


class _PeriodGenerator:
    def __init__(self, seed: int, scale: float, account: _Account, period: _Period, plan: dict) -> None:
        self.seed = seed
        self.scale = scale
        self.account = account
        self.period = period
        self.plan = plan
        self.fx: Decimal = plan["fx"][period.label] if account.currency != "USD" else Decimal(1)
        self.rows = _Rows()

    def rng(self, *keys: object) -> random.Random:
        return _rng(self.seed, self.account.key, self.period.label, *keys)

    def units(self, base: float, minimum: int = 1) -> int:
        """A fleet size: `base` machines at scale 0.25 (4 x base at 1.0), never below `minimum`."""
        return max(minimum, round(base * self.scale * _FLEET_UNITS_PER_SCALE))

    # -- row construction ------------------------------------------------------------------------------

    def price(self, meter: _Meter, share: str = "1") -> int:
        """A price per unit of measure in billing currency nanos."""
        return _nanos(Decimal(meter.payg_usd) * Decimal(share) * self.fx)

    def base_row(self, day: date, sub: _Subscription, meter: _Meter, quantity: Decimal) -> dict:
        a = self.account
        p = self.period
        return {
            "billing_account_id": a.billing_account_id,
            "billing_account_name": a.billing_account_name,
            "billing_profile_id": a.billing_profile_id,
            "billing_profile_name": a.billing_profile_name,
            "billing_period_start_date": p.start,
            "billing_period_end_date": p.end,
            "service_period_start_date": p.start,
            "service_period_end_date": p.end,
            "invoice_id": self.plan["invoice"].get((a.key, p.label)),
            "invoice_section_name": a.invoice_section,
            "invoice_section_id": _uuid(self.seed, "invoice-section", a.key)[:8].upper(),
            "account_name": "AI Platform Engineering",
            "account_owner_id": "finops@contoso.example",
            "cost_center": sub.cost_center,
            "date": day,
            "subscription_id": sub.id,
            "subscription_name": sub.name,
            "meter_id": meter.meter_id(self.seed, a),
            "meter_name": meter.name,
            "meter_category": meter.category,
            "meter_sub_category": meter.subcategory,
            "meter_region": a.meter_region,
            "product_name": meter.product + f" - {a.meter_region}",
            "product_id": "DZH318Z0" + _uuid(self.seed, "product", meter.product)[:4].upper(),
            "part_number": "AAH-" + _uuid(self.seed, "part", meter.product)[:5].upper(),
            "service_family": meter.service_family,
            "unit_of_measure": meter.unit,
            "quantity": quantity,
            "billing_currency": a.currency,
            "pricing_currency": "USD",
            "exchange_rate": self.fx,
            "exchange_rate_date": p.start,
            "resource_location": a.region,
            "location": a.meter_region,
            "publisher_type": "Azure",
            "publisher_name": "Microsoft",
            "publisher_id": None,
            "is_azure_credit_eligible": "True",
            "offer_id": "MS-AZR-0017P" if a.key == "ea" else None,
            "provider": "Azure" if a.key == "mca" else None,
            "charge_type": "Usage",
            "frequency": "UsageBased",
            "pricing_model": "OnDemand",
            "tags": {},
            "additional_info": {},
        }

    def usage(self, day: date, sub: _Subscription, meter: _Meter, quantity: Decimal, *, resource_id: str,
              resource_group: str, consumed_service: str, tags: dict, share: str, pricing_model: str = "OnDemand",
              commitment: _Commitment | None = None, covered_rate: int | None = None,
              additional: dict | None = None) -> dict:  # fmt: skip
        """A usage row. `share` is the contracted price as a share of list; covered rows carry both costs."""
        row = self.base_row(day, sub, meter, quantity)
        list_price = self.price(meter)
        unit_price = self.price(meter, share)
        row.update(
            resource_id=resource_id,
            resource_group=resource_group,
            resource_name=resource_id.rsplit("/", 1)[-1],
            consumed_service=consumed_service,
            tags=tags,
            pricing_model=pricing_model,
            payg_price=list_price,
            unit_price=unit_price,
            additional_info=additional or {},
        )
        if commitment is None:
            row["cost"] = _cost(quantity, unit_price)
            row["effective_price"] = unit_price
        else:
            amortized = _cost(quantity, covered_rate or 0)
            row.update(
                cost={"actual": 0, "amortized": amortized},
                effective_price={"actual": 0, "amortized": covered_rate or 0},
                benefit_id=commitment.benefit_id,
                benefit_name=commitment.name,
                product_order_id=commitment.order_id,
                product_order_name=commitment.order_name,
                term=commitment.term,
            )
            if commitment.kind == "Reservation":
                rid = commitment.benefit_id.rsplit("/", 1)[-1]
                row.update(reservation_id=rid, reservation_name=commitment.name)
        row["payg_cost"] = _cost(quantity, list_price)
        self.rows.usage.append(row)
        return row

    def vm_info(self, meter: _Meter, vm_name: str, vcpus: int) -> dict:
        return {
            "UsageType": "ComputeHR",
            "ImageType": "Canonical",
            "ServiceType": meter.vm_size,
            "VMName": vm_name,
            "VCPUs": vcpus,
        }

    # -- workloads ------------------------------------------------------------------------------------

    def hours_pattern(self, key: object, kind: str) -> list[Decimal]:
        """Hours per day of one machine: `always` 24, `bursty` training runs, `business` weekday hours."""
        rng = self.rng("hours", key)
        out: list[Decimal] = []
        active = rng.random() < 0.6
        for index in range(self.period.days):
            day = self.period.day(index)
            if kind == "always":
                out.append(Decimal(24))
            elif kind == "business":
                out.append(Decimal(rng.choice((9, 10, 11, 12))) if day.weekday() < 5 else Decimal(0))
            else:  # bursty: runs of several full days, with partial first and last days
                if rng.random() < 0.22:
                    if active:
                        out.append(Decimal(rng.randint(2, 20)))
                        active = False
                        continue
                    active = True
                    out.append(Decimal(rng.randint(4, 22)))
                    continue
                out.append(Decimal(24) if active else Decimal(0))
        return out

    def cover(
        self, demands: list[tuple[object, Decimal]], capacity: Decimal
    ) -> list[tuple[object, Decimal, Decimal]]:
        """Apply a reservation's hours to machines in order: (key, covered hours, on-demand hours)."""
        out = []
        for key, hours in demands:
            covered = min(hours, capacity)
            capacity -= covered
            out.append((key, covered, hours - covered))
        return out

    def reservation_day(self, ri: _Commitment, day: date, covered_hours: Decimal, sub: _Subscription) -> None:
        """The UnusedReservation row of a day (amortized only)."""
        unused = Decimal(24 * ri.instances) - covered_hours
        if unused <= 0:
            return
        row = self.base_row(day, sub, ri.meter, unused)
        row.update(
            charge_type="UnusedReservation",
            pricing_model="Reservation",
            cost=_cost(unused, ri.hourly_nanos),
            effective_price=ri.hourly_nanos,
            unit_price=ri.hourly_nanos,
            payg_price=self.price(ri.meter),
            payg_cost=_cost(unused, self.price(ri.meter)),
            consumed_service="Microsoft.Compute",
            resource_id=None,
            resource_group=None,
            benefit_id=ri.benefit_id,
            benefit_name=ri.name,
            reservation_id=ri.benefit_id.rsplit("/", 1)[-1],
            reservation_name=ri.name,
            product_order_id=ri.order_id,
            product_order_name=ri.order_name,
            term=ri.term,
            additional_info={"ServiceType": ri.meter.vm_size},
        )
        self.rows.amortized_only.append(row)

    def purchase(self, commitment: _Commitment, day: date, sub: _Subscription, quantity: Decimal,
                 amount: int, charge_type: str = "Purchase", frequency: str | None = None,
                 benefit_id: str | None = None) -> None:  # fmt: skip
        """A commitment purchase (or refund) row: actual dataset only."""
        meter = commitment.meter or _Meter(
            "Savings Plan",
            "Compute Savings Plan",
            "Compute Savings Plan",
            "1 Hour",
            "0",
            "Compute",
            "Savings Plan",
        )
        bid = benefit_id or commitment.benefit_id
        row = self.base_row(day, sub, meter, quantity)
        price = _nanos(Decimal(amount) / NANOS / quantity) if quantity else 0
        row.update(
            charge_type=charge_type,
            frequency=frequency or commitment.frequency,
            pricing_model=commitment.kind,
            cost=amount,
            effective_price=price,
            unit_price=price,
            payg_price=0,
            payg_cost=0,
            consumed_service=(
                "Microsoft.Capacity" if commitment.kind == "Reservation" else "Microsoft.BillingBenefits"
            ),
            resource_id=bid,
            resource_group=None,
            resource_name=None,
            benefit_id=bid,
            benefit_name=commitment.name,
            product_order_id=commitment.order_id,
            product_order_name=commitment.order_name,
            term=commitment.term,
        )
        if commitment.kind == "Reservation":
            row.update(reservation_id=bid.rsplit("/", 1)[-1], reservation_name=commitment.name)
        self.rows.actual_only.append(row)

    # -- EA -------------------------------------------------------------------------------------------

    def ea(self) -> None:
        subs = self.plan["subs"]["ea"]
        research, platform, shared = subs
        p = self.period
        ri: _Commitment = self.plan["ea_ri"]
        sp: _Commitment = self.plan["ea_sp"]
        rg_train = "rg-llm-training"

        # H100 training VMs, one reserved instance (monthly payments).
        h100s = [f"h100-train-{i:02d}" for i in range(self.units(3))]
        hours = {vm: self.hours_pattern(("h100", vm), "bursty") for vm in h100s}
        for index in range(p.days):
            day = p.day(index)
            demands = [(vm, hours[vm][index]) for vm in h100s if hours[vm][index] > 0]
            covered_total = Decimal(0)
            capacity = Decimal(24 * ri.instances) if ri.active(day) else Decimal(0)
            for vm, covered, on_demand in self.cover(demands, capacity):
                rid = f"/subscriptions/{research.id}/resourceGroups/{rg_train}/providers/Microsoft.Compute/virtualMachines/{vm}"
                tags = {"team": "llm-research", "project": "atlas-13b", "workload": "training", "env": "prod"}
                info = self.vm_info(H100, vm, 96)
                common = dict(resource_id=rid, resource_group=rg_train, consumed_service="Microsoft.Compute",
                              tags=tags, share="0.9", additional=info)  # fmt: skip
                if covered > 0:
                    self.usage(day, research, H100, covered, pricing_model="Reservation", commitment=ri,
                               covered_rate=ri.hourly_nanos, **common)  # fmt: skip
                    covered_total += covered
                if on_demand > 0:
                    self.usage(day, research, H100, on_demand, **common)
            if ri.active(day):
                self.reservation_day(ri, day, covered_total, research)
        if ri.active(p.start):
            self.purchase(
                ri, p.start, research, Decimal(24 * ri.instances * p.days), ri.hourly_nanos * 24 * p.days
            )

        # Azure ML compute cluster on ND A100 v4 (on demand).
        ws = f"/subscriptions/{research.id}/resourceGroups/rg-ml-research/providers/Microsoft.MachineLearningServices/workspaces/mlw-research"
        for node in range(self.units(2)):
            node_hours = self.hours_pattern(("nd-a100", node), "bursty")
            for index, h in enumerate(node_hours):
                if h > 0:
                    self.usage(
                        p.day(index), research, A100_ND, h,
                        resource_id=f"{ws}/computes/a100-cluster", resource_group="rg-ml-research",
                        consumed_service="Microsoft.MachineLearningServices",
                        tags={"team": "vision", "project": "segmenter-v2", "workload": "training"},
                        share="0.9", additional={"ServiceType": A100_ND.vm_size, "VCPUs": 96},
                    )  # fmt: skip

        # AKS GPU inference node pool (NC A100 v4), covered by the compute savings plan first.
        mc_rg = "MC_rg-aks-prod_aks-inference-prod_eastus"
        vmss = f"/subscriptions/{platform.id}/resourceGroups/{mc_rg}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-gpuinfer-31415926-vmss"
        aks_tags = {
            "aks-managed-cluster-name": "aks-inference-prod",
            "aks-managed-cluster-rg": "rg-aks-prod",
            "aks-managed-poolName": "gpuinfer",
            "team": "platform",
            "workload": "inference",
        }
        base_nodes = self.units(6, minimum=2)
        sp_rate = self.price(A100_NC, "0.65")
        rng = self.rng("aks-nodes")
        for index in range(p.days):
            day = p.day(index)
            nodes = max(1, base_nodes + rng.randint(-1, 2))
            total_hours = Decimal(nodes * 24)
            capacity = sp.hourly_nanos * 24 if sp.active(day) else 0
            needed = _cost(total_hours, sp_rate)
            covered_cost = min(needed, capacity)
            covered_hours = _round6(Decimal(covered_cost) / sp_rate) if covered_cost < needed else total_hours
            common = dict(resource_id=vmss, resource_group=mc_rg, consumed_service="Microsoft.Compute",
                          tags=aks_tags, share="0.9",
                          additional=self.vm_info(A100_NC, "aks-gpuinfer-31415926-vmss", 24))  # fmt: skip
            if covered_hours > 0:
                row = self.usage(day, platform, A100_NC, covered_hours, pricing_model="SavingsPlan",
                                 commitment=sp, covered_rate=sp_rate, **common)  # fmt: skip
                row["cost"]["amortized"] = covered_cost  # the plan's own rounding
            if total_hours - covered_hours > 0:
                self.usage(day, platform, A100_NC, total_hours - covered_hours, **common)
            unused = capacity - covered_cost
            if unused > 0:
                row = self.base_row(day, platform, A100_NC, _round6(Decimal(unused) / sp.hourly_nanos))
                row.update(
                    charge_type="UnusedSavingsPlan",
                    pricing_model="SavingsPlan",
                    cost=unused,
                    effective_price=sp.hourly_nanos,
                    unit_price=sp.hourly_nanos,
                    payg_price=0,
                    payg_cost=0,
                    meter_category="Savings Plan",
                    meter_sub_category="Compute Savings Plan",
                    meter_name="Compute Savings Plan",
                    product_name="Compute Savings Plan",
                    consumed_service="Microsoft.BillingBenefits",
                    resource_id=None,
                    resource_group=None,
                    benefit_id=sp.benefit_id,
                    benefit_name=sp.name,
                    product_order_id=sp.order_id,
                    product_order_name=sp.order_name,
                    term=sp.term,
                )
                self.rows.amortized_only.append(row)
        if sp.active(p.start):
            self.purchase(sp, p.start, platform, Decimal(24 * p.days), sp.hourly_nanos * 24 * p.days)

        # AKS Spot GPU pool.
        spot_vmss = vmss.replace("aks-gpuinfer-31415926", "aks-gpuspot-27182818")
        spot_rng = self.rng("spot")
        for index in range(p.days):
            hours = _round6(Decimal(self.units(3) * 24) * Decimal(spot_rng.uniform(0.35, 0.95)))
            self.usage(
                p.day(index), platform, A100_NC_SPOT, hours, pricing_model="Spot",
                resource_id=spot_vmss, resource_group=mc_rg, consumed_service="Microsoft.Compute",
                tags={**aks_tags, "aks-managed-poolName": "gpuspot", "kubernetes.azure.com_scalesetpriority": "spot"},
                share="1", additional=self.vm_info(A100_NC_SPOT, "aks-gpuspot-27182818-vmss", 24),
            )  # fmt: skip

        # Azure ML managed online endpoints on NCasT4_v3.
        mlw = f"/subscriptions/{platform.id}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"
        deployments = (
            ("chat-assistant", "blue", self.units(3)),
            ("chat-assistant", "green", self.units(1)),
            ("doc-embeddings", "v3", self.units(2)),
            ("code-review", "v1", self.units(2)),
            ("summariser", "v2", self.units(1)),
            ("reranker", "v1", self.units(1)),
        )
        for endpoint, deployment, instances in deployments[: max(3, self.units(6))]:
            for index in range(p.days):
                self.usage(
                    p.day(index), platform, T4, Decimal(24 * instances),
                    resource_id=f"{mlw}/onlineEndpoints/{endpoint}", resource_group="rg-ml-prod",
                    consumed_service="Microsoft.MachineLearningServices",
                    tags={"azuremlendpoint": endpoint, "azuremldeployment": deployment, "team": "assistant"},
                    share="0.9", additional={"ServiceType": T4.vm_size, "VCPUs": 16},
                )  # fmt: skip

        # NV A10 v5 workstations (weekday hours).
        for ws_index in range(self.units(4)):
            vm = f"nv-a10-ws-{ws_index:02d}"
            rid = f"/subscriptions/{shared.id}/resourceGroups/rg-workstations/providers/Microsoft.Compute/virtualMachines/{vm}"
            for index, h in enumerate(self.hours_pattern(("a10", vm), "business")):
                if h > 0:
                    self.usage(
                        p.day(index), shared, A10, h, resource_id=rid, resource_group="rg-workstations",
                        consumed_service="Microsoft.Compute", tags={"team": "3d-vision", "workload": "dev"},
                        share="0.9", additional=self.vm_info(A10, vm, 36),
                    )  # fmt: skip

        self.storage_and_bandwidth(research, "rg-llm-training", "stllmdata", 80_000, vmss)

        # Marketplace SaaS (billed monthly on the 1st) and, in the second period, a partial refund of it.
        saas = f"/subscriptions/{shared.id}/resourceGroups/rg-marketplace/providers/Microsoft.SaaS/resources/nvaie-enterprise"
        for charge_type, quantity in (("Purchase", Decimal(1)),) + (
            (("Refund", Decimal(-1)),) if self.plan["refund_period"] == p.label else ()
        ):
            row = self.base_row(p.start, shared, NVAIE, abs(quantity))
            price = self.price(NVAIE) * (self.units(2) if charge_type == "Purchase" else 1)
            amount = price if charge_type == "Purchase" else -price // 3
            row.update(
                charge_type=charge_type,
                frequency="Recurring" if charge_type == "Purchase" else "OneTime",
                cost=amount,
                effective_price=price,
                unit_price=price,
                payg_price=price,
                payg_cost=amount,
                publisher_type="Marketplace",
                publisher_name="NVIDIA",
                publisher_id="nvidia",
                plan_name="nvaie-enterprise-monthly",
                consumed_service="Microsoft.SaaS",
                resource_id=saas,
                resource_group="rg-marketplace",
                resource_name="nvaie-enterprise",
                is_azure_credit_eligible="False",
            )
            self.rows.usage.append(row)

        # A reservation exchange: the refund of an older A10 reservation (actual only).
        if self.plan["refund_period"] == p.label:
            old: _Commitment = self.plan["ea_old_ri"]
            self.purchase(old, p.day(9), shared, Decimal(-1), -old.hourly_nanos * 24 * 40, charge_type="Refund",
                          frequency="OneTime")  # fmt: skip

    # -- MCA ------------------------------------------------------------------------------------------

    def mca(self) -> None:
        inference, training = self.plan["subs"]["mca"]
        p = self.period
        ri: _Commitment | None = self.plan["mca_ri"]
        mc_rg = "MC_rg-genai-eu_aks-genai-eu_westeurope"
        vmss = f"/subscriptions/{inference.id}/resourceGroups/{mc_rg}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-gpupool-16180339-vmss"
        tags = {
            "aks-managed-cluster-name": "aks-genai-eu",
            "aks-managed-poolName": "gpupool",
            "team": "genai-eu",
            "workload": "inference",
        }
        rng = self.rng("aks-nodes")
        base_nodes = self.units(4, minimum=2)
        for index in range(p.days):
            day = p.day(index)
            nodes = max(1, base_nodes + rng.randint(-2, 1))
            total = Decimal(nodes * 24)
            common = dict(resource_id=vmss, resource_group=mc_rg, consumed_service="Microsoft.Compute", tags=tags,
                          share="1", additional=self.vm_info(A100_NC, "aks-gpupool-16180339-vmss", 24))  # fmt: skip
            if ri is not None and ri.active(day):
                covered = min(total, Decimal(24 * ri.instances))
                self.usage(day, inference, A100_NC, covered, pricing_model="Reservation", commitment=ri,
                           covered_rate=ri.hourly_nanos, **common)  # fmt: skip
                if total - covered > 0:
                    self.usage(day, inference, A100_NC, total - covered, **common)
                self.reservation_day(ri, day, covered, inference)
            else:
                self.usage(day, inference, A100_NC, total, **common)
        if ri is not None and ri.start.strftime("%Y-%m") == p.label:
            hours = Decimal(24 * ri.instances * ri.days)
            self.purchase(ri, ri.start, inference, hours, ri.hourly_nanos * 24 * ri.instances * ri.days)

        mlw = f"/subscriptions/{inference.id}/resourceGroups/rg-ml-eu/providers/Microsoft.MachineLearningServices/workspaces/mlw-genai-eu"
        for index in range(p.days):
            self.usage(
                p.day(index), inference, T4_SMALL, Decimal(24 * self.units(2)),
                resource_id=f"{mlw}/onlineEndpoints/support-bot", resource_group="rg-ml-eu",
                consumed_service="Microsoft.MachineLearningServices",
                tags={"azuremlendpoint": "support-bot", "azuremldeployment": "blue", "team": "genai-eu"},
                share="1", additional={"ServiceType": T4_SMALL.vm_size, "VCPUs": 4},
            )  # fmt: skip

        # Spot fine-tuning on an Azure ML cluster.
        spot_rng = self.rng("spot")
        for index, h in enumerate(self.hours_pattern("spot-train", "bursty")):
            if h > 0:
                hours = _round6(h * self.units(2) * Decimal(spot_rng.uniform(0.6, 1.0)))
                self.usage(
                    p.day(index), training, A100_NC_SPOT, hours, pricing_model="Spot",
                    resource_id=f"/subscriptions/{training.id}/resourceGroups/rg-ml-train-eu/providers/Microsoft.MachineLearningServices/workspaces/mlw-train-eu/computes/spot-a100",
                    resource_group="rg-ml-train-eu", consumed_service="Microsoft.MachineLearningServices",
                    tags={"team": "genai-eu", "workload": "fine-tuning"}, share="1",
                    additional={"ServiceType": A100_NC_SPOT.vm_size, "VCPUs": 24},
                )  # fmt: skip

        self.storage_and_bandwidth(training, "rg-ml-train-eu", "stgenaieu", 25_000, vmss)

    # -- shared ---------------------------------------------------------------------------------------

    def storage_and_bandwidth(
        self, sub: _Subscription, rg: str, account_name: str, gb: int, egress_rid: str
    ) -> None:
        p = self.period
        rng = self.rng("storage")
        sa = f"/subscriptions/{sub.id}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{account_name}"
        growth = Decimal(1) + Decimal(rng.randint(0, 30)) / 1000
        disks = [
            f"/subscriptions/{sub.id}/resourceGroups/{rg}/providers/Microsoft.Compute/disks/ckpt-disk-{i:02d}"
            for i in range(self.units(4))
        ]
        for index in range(p.days):
            day = p.day(index)
            stored = _round6(Decimal(gb) * growth * Decimal(self.units(10)) / 10 / p.days)
            self.usage(day, sub, BLOB_HOT, stored, resource_id=sa, resource_group=rg,
                       consumed_service="Microsoft.Storage", tags={"data-class": "training-data"}, share="0.9")  # fmt: skip
            writes = _round6(Decimal(rng.randint(200, 4000)) / 10)
            self.usage(day, sub, BLOB_WRITES, writes, resource_id=sa, resource_group=rg,
                       consumed_service="Microsoft.Storage", tags={"data-class": "training-data"}, share="0.9")  # fmt: skip
            for disk in disks:
                self.usage(day, sub, DISK_P30, _round6(Decimal(1) / p.days), resource_id=disk, resource_group=rg,
                           consumed_service="Microsoft.Compute", tags={"workload": "checkpoints"}, share="0.9")  # fmt: skip
            egress = _round6(Decimal(rng.randint(50, 900)) * Decimal(self.units(10)) / 10)
            self.usage(day, sub, EGRESS, egress, resource_id=egress_rid, resource_group=rg,
                       consumed_service="Microsoft.Compute", tags={}, share="1")  # fmt: skip
            if rng.random() < 0.5:
                cross = _round6(Decimal(rng.randint(100, 3000)))
                self.usage(day, sub, INTER_REGION, cross, resource_id=sa, resource_group=rg,
                           consumed_service="Microsoft.Storage", tags={"data-class": "replication"}, share="1")  # fmt: skip

    def generate(self) -> _Rows:
        if self.account.key == "ea":
            self.ea()
        else:
            self.mca()
        return self.rows


# ------------------------------------------------------------------------------------------------------------
# datasets, files and manifests


def _dataset_rows(rows: _Rows, dataset: str) -> list[dict]:
    out = []
    for row in rows.usage + (rows.actual_only if dataset == "actual" else rows.amortized_only):
        r = dict(row)
        for key in ("cost", "effective_price"):
            if isinstance(r.get(key), dict):
                r[key] = r[key][dataset]
        out.append(r)
    out.sort(key=lambda r: (r["date"], r.get("subscription_id") or "", r.get("resource_id") or "", r["meter_name"],
                            r["charge_type"], r["pricing_model"]))  # fmt: skip
    return out


def _finish(row: dict, account: _Account) -> dict:
    """Derived columns: currency conversions and list cost."""
    cost = row["cost"]
    fx = row["exchange_rate"]
    row["payg_cost_in_billing_currency"] = row.get("payg_cost", 0)
    if account.key == "mca":
        row["cost_in_pricing_currency"] = int((Decimal(cost) / fx).to_integral_value(ROUND_HALF_EVEN))
        row["cost_in_usd"] = row["cost_in_pricing_currency"]
        row["payg_cost_in_usd"] = int(
            (Decimal(row["payg_cost_in_billing_currency"]) / fx).to_integral_value()
        )
        for price in ("payg_price", "unit_price"):  # MCA writes prices in the pricing currency
            if row.get(price) is not None:
                row[price] = int((Decimal(row[price]) / fx).to_integral_value(ROUND_HALF_EVEN))
    return row


def _csv_value(key: str, value: object) -> str:
    if value is None:
        return ""
    if key in _MONEY_FIELDS:
        return _money(int(value))
    if key in _DATE_FIELDS or key == "exchange_rate_date":
        return value.strftime("%m/%d/%Y")  # type: ignore[union-attr]
    if key in ("tags", "additional_info"):
        if not value:
            return ""
        text = json.dumps(value, separators=(",", ": ") if key == "tags" else (",", ":"))
        return text[1:-1] if key == "tags" else text  # EA writes tags without the outer braces
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _write_csv(path: Path, rows: list[dict], account: _Account) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([h for h, _ in account.columns])
    for row in rows:
        writer.writerow([_csv_value(k, row.get(k)) for _, k in account.columns])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def _write_parquet(path: Path, rows: list[dict], account: _Account) -> None:
    arrays, fields = [], []
    for header, key in account.columns:
        values = [row.get(key) for row in rows]
        if key in _MONEY_FIELDS or key in ("quantity", "exchange_rate"):
            scale = NANOS if key in _MONEY_FIELDS else 1
            data = [None if v is None else float(Decimal(v) / scale) for v in values]
            arrow_type = pa.float64()
        elif key in _DATE_FIELDS:
            data = [None if v is None else datetime(v.year, v.month, v.day, tzinfo=UTC) for v in values]
            arrow_type = pa.timestamp("us", tz="UTC")
        elif key in ("tags", "additional_info"):
            data = [json.dumps(v, separators=(",", ":")) if v else None for v in values]
            arrow_type = pa.string()
        elif key == "exchange_rate_date":
            data = [None if v is None else v.strftime("%m/%d/%Y") for v in values]
            arrow_type = pa.string()
        else:
            data = [None if v is None else str(v) for v in values]
            arrow_type = pa.string()
        arrays.append(pa.array(data, type=arrow_type))
        fields.append(pa.field(header, arrow_type))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, path, compression="snappy", row_group_size=100_000, use_dictionary=True,
                   write_statistics=True, store_schema=False)  # fmt: skip


@dataclass(frozen=True)
class _Run:
    period: _Period
    submitted: datetime
    time_frame: str
    last_day: date  # rows up to and including this day


def _write_run(
    out_dir: Path, seed: int, account: _Account, dataset: str, run: _Run, rows: list[dict]
) -> list[str]:
    export = f"ai-finops-{account.key}-{dataset}"
    folder_range = f"{run.period.start:%Y%m%d}-{run.period.end:%Y%m%d}"
    run_id = _uuid(seed, "run", account.key, dataset, run.period.label, run.submitted.isoformat())
    relative = Path("azure", "exports", f"{account.key}-{account.billing_profile_id}", export, folder_range,
                    f"{run.submitted:%Y%m%d%H%M}", run_id)  # fmt: skip
    folder = out_dir / relative
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "csv" if account.file_format == "csv" else "snappy.parquet"
    data_path = folder / f"part_0_0001.{suffix}"
    if account.file_format == "csv":
        _write_csv(data_path, rows, account)
    else:
        _write_parquet(data_path, rows, account)
    container_path = f"cost-exports/{account.key}"
    manifest = {
        "manifestVersion": "2024-07-01",
        "byteCount": data_path.stat().st_size,
        "blobCount": 1,
        "dataRowCount": len(rows),
        "exportConfig": {
            "exportName": export,
            "resourceId": account.scope + f"/providers/Microsoft.CostManagement/exports/{export}",
            "dataVersion": account.data_version,
            "apiVersion": "2023-07-01-preview",
            "type": "ActualCost" if dataset == "actual" else "AmortizedCost",
            "timeFrame": run.time_frame,
            "granularity": "Daily",
        },
        "deliveryConfig": {
            "partitionData": True,
            "dataOverwriteBehavior": "CreateNewReport",
            "fileFormat": "Csv" if account.file_format == "csv" else "Parquet",
            "compressionMode": "None" if account.file_format == "csv" else "Snappy",
            "containerUri": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-finops/"
            "providers/Microsoft.Storage/storageAccounts/stfinopsexports",
            "rootFolderPath": container_path,
        },
        "runInfo": {
            "executionType": "Scheduled",
            "submittedTime": run.submitted.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
            "runId": run_id,
            "startDate": f"{run.period.start:%Y-%m-%d}T00:00:00",
            "endDate": f"{run.last_day:%Y-%m-%d}T00:00:00",
        },
        "blobs": [
            {
                "blobName": f"{container_path}/{relative.relative_to('azure/exports').as_posix()}/{data_path.name}",
                "byteCount": data_path.stat().st_size,
                "dataRowCount": len(rows),
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [(relative / data_path.name).as_posix(), (relative / "manifest.json").as_posix()]


def _build_plan(seed: int, scale: float, periods: tuple[_Period, ...]) -> dict:
    rng = _rng(seed, "fx")
    fx = {p.label: Decimal("0.92") + Decimal(rng.randint(-250, 250)) / 10000 for p in periods}
    subs = {
        "ea": [
            _Subscription(_uuid(seed, "sub", "ea", n), n, c)
            for n, c in (
                ("ml-research-prod", "CC-4100"),
                ("ml-platform-prod", "CC-4200"),
                ("shared-services", "CC-1000"),
            )
        ],
        "mca": [
            _Subscription(_uuid(seed, "sub", "mca", n), n, c)
            for n, c in (("genai-inference-eu", "CC-7100"), ("ml-training-eu", "CC-7200"))
        ],
    }
    first = periods[0].start
    mca_ri_period = periods[1] if len(periods) > 1 else periods[0]
    ea_ri = _reservation(seed, EA, "RI_ND96isr_H100_v5_eastus", H100, 1, "0.62", "36", "Recurring",
                         first - timedelta(days=200), Decimal(1))  # fmt: skip
    ea_old_ri = _reservation(seed, EA, "RI_NV36ads_A10_v5_eastus_exchanged", A10, 1, "0.6", "12", "Recurring",
                             first - timedelta(days=300), Decimal(1))  # fmt: skip
    mca_ri = _reservation(seed, MCA, "RI_NC24ads_A100_v4_westeurope", A100_NC, 2, "0.58", "12", "OneTime",
                          mca_ri_period.start, fx[mca_ri_period.label])  # fmt: skip
    ea_sp = _savings_plan(
        seed,
        EA,
        "SP_Compute_eastus",
        _nanos(Decimal("1.6") * max(2, round(6 * scale * _FLEET_UNITS_PER_SCALE))),
        first - timedelta(days=120),
        "36",
    )
    invoice = {}
    for p in periods[:-1]:  # the last period is open: no invoice yet
        for a in ("ea", "mca"):
            invoice[(a, p.label)] = "G0" + _uuid(seed, "invoice", a, p.label)[:8].upper()
    return {
        "fx": fx,
        "subs": subs,
        "ea_ri": ea_ri,
        "ea_old_ri": ea_old_ri,
        "ea_sp": ea_sp,
        "mca_ri": mca_ri,
        "refund_period": periods[1].label if len(periods) > 1 else periods[0].label,
        "mca_actual_only": periods[0].label if len(periods) > 1 else None,
        "invoice": {k: v for k, v in invoice.items() if k[0] == "mca"},
    }


def _truth_entry(
    account: _Account, period: _Period, actual: list[dict], amortized: list[dict] | None
) -> dict:
    def total(rows: list[dict]) -> str:
        return _money(sum(int(r["cost"]) for r in rows))

    commitment_rows = [
        r for r in actual
        if r["charge_type"] in ("Purchase", "Refund") and r["pricing_model"] in ("Reservation", "SavingsPlan")
    ]  # fmt: skip
    return {
        "billing_account_id": account.billing_profile_id,  # EA: the enrolment; MCA: the billing profile
        "billing_account_type": "EA" if account.key == "ea" else "MCA",
        "billing_period": period.label,
        "billing_currency": account.currency,
        "actual_cost": total(actual),
        "amortized_cost": total(amortized) if amortized is not None else None,
        "actual_rows": len(actual),
        "amortized_rows": len(amortized) if amortized is not None else None,
        "focus_rows": len(amortized) + len(commitment_rows) if amortized is not None else len(actual),
        "amortization_available": amortized is not None,
    }


def generate_azure_cost(
    out_dir: Path,
    *,
    seed: int = 42,
    scale: float = 1.0,
    months: int = 3,
    last_period: str = "2026-10",
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write deterministic Azure cost details exports (actual and amortized) and their truth file.

    Args:
        out_dir: Root folder; files go under ``azure/exports`` and ``truth/azure_cost.json``.
        seed: Random seed; the same arguments always give byte-identical files.
        scale: 1.0 gives about 2,300 amortized rows a month over both accounts; fleets grow with it.
        months: Number of consecutive billing periods, ending at ``last_period``.
        last_period: Last billing period, ``YYYY-MM``: the open month (month-to-date runs, no invoice id).
        progress: Called as ``progress(done, total)`` after each account x period.

    Returns:
        A summary: files written (relative to ``out_dir``) and rows per account, dataset and period.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if months < 1:
        raise ValueError("months must be at least 1")
    datetime.strptime(last_period, "%Y-%m")
    out_dir = Path(out_dir)
    periods = _periods(months, last_period)
    plan = _build_plan(seed, scale, periods)
    files: list[str] = []
    rows_summary: dict[str, int] = {}
    truth_periods = []
    total_steps = len(periods) * 2
    done = 0
    for account in (EA, MCA):
        for period in periods:
            rows = _PeriodGenerator(seed, scale, account, period, plan).generate()
            next_month = period.start + timedelta(days=period.days)
            is_last = period is periods[-1]
            final = _Run(
                period,
                datetime(next_month.year, next_month.month, 1 if is_last else 5, 6, 12, tzinfo=UTC),
                "MonthToDate" if is_last else "TheLastMonth",
                period.end,
            )
            datasets = ["actual"]
            if not (account.key == "mca" and plan["mca_actual_only"] == period.label):
                datasets.append("amortized")
            by_dataset = {}
            for dataset in datasets:
                data = [_finish(r, account) for r in _dataset_rows(rows, dataset)]
                by_dataset[dataset] = data
                if is_last:  # the month-to-date run of the 16th, superseded by the final run
                    earlier = _Run(period, datetime(period.start.year, period.start.month, 16, 2, 30, tzinfo=UTC),
                                   "MonthToDate", period.day(14))  # fmt: skip
                    files += _write_run(out_dir, seed, account, dataset, earlier,
                                        [r for r in data if r["date"] <= earlier.last_day])  # fmt: skip
                files += _write_run(out_dir, seed, account, dataset, final, data)
                rows_summary[f"{account.key}/{dataset}/{period.label}"] = len(data)
            truth_periods.append(
                _truth_entry(account, period, by_dataset["actual"], by_dataset.get("amortized"))
            )
            done += 1
            if progress:
                progress(done, total_steps)
    truth = {
        "generator": {
            "name": "ai_finops.generate.azure_cost",
            "seed": seed,
            "scale": scale,
            "months": months,
            "last_period": last_period,
        },
        "billing_accounts": {
            "ea": {"billing_account_id": EA.billing_account_id, "currency": EA.currency},
            "mca": {
                "billing_account_id": MCA.billing_account_id,
                "billing_profile_id": MCA.billing_profile_id,
                "currency": MCA.currency,
            },
        },
        "periods": truth_periods,
    }
    truth_path = out_dir / "truth" / "azure_cost.json"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    files.append(truth_path.relative_to(out_dir).as_posix())
    return {"files": files, "rows": rows_summary, "truth_file": truth_path.relative_to(out_dir).as_posix()}
