"""Synthetic native FOCUS exports for tests/fixtures/focus/synthetic/ (hand-written rows, no real account).

No provider's native FOCUS file is public (shared samples README), so these stand in for one export of each
kind the ingest reads, in each provider's published column set:

- `aws-focus-1-2/…parquet`: AWS Data Exports "FOCUS 1.2 with AWS columns" (57 FOCUS + x_Discounts,
  x_Operation, x_ServiceCode; Tags and x_Discounts as Parquet maps, timestamps in ms UTC): on-demand GPU,
  a Savings Plan fee / covered hour / unused hour, S3, SageMaker, tax and a credit.
- `aws-focus-1-0/…csv`: "FOCUS 1.0 with AWS columns" (43 FOCUS + x_CostCategories, x_Discounts,
  x_Operation, x_ServiceCode, x_UsageType): a Reserved Instance fee (priced Committed, as 1.0 allowed) /
  covered hour / unused hours without CommitmentDiscountQuantity, ResourceType or SkuMeter (the upgrade
  derives them), KMS filed under Identity (the service map moves it), a service the map does not know.
- `azure-focuscost/…/manifest.json` + `part_0_0001.csv`: Azure FocusCost 1.0r2 (the 1.0 columns + x_
  columns, EUR, an ARM-path BillingAccountId) with its export manifest: GPU VM, reservation purchase /
  covered / unused, Azure ML endpoint, storage, bandwidth.
- `gcp-focus/…parquet`: a GCP FOCUS export in the 1.2 column set: A100 VM, a resource-based CUD fee and
  covered hour, Vertex AI, a promotion credit, tax.

Prices have at most 9 decimals (the BigQuery emulator build keeps money at NUMERIC scale 9). Every amount
obeys the FOCUS 1.2 rules (ListCost = ListUnitPrice x PricingQuantity, credits equal across
the four costs, Σ used + unused = the commitment fee). Regenerate with

    .venv/bin/python tests/python/native_focus_exports.py

`test_synthetic_exports_are_reproducible` fails when the committed files no longer match a rebuild.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "focus" / "synthetic"

FOCUS_1_0 = [
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
    "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription",
    "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory",
    "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus", "CommitmentDiscountType",
    "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
    "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit",
    "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType",
    "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
]  # fmt: skip
FOCUS_1_2 = sorted(
    [
        *FOCUS_1_0,
        "BillingAccountType", "CapacityReservationId", "CapacityReservationStatus", "CommitmentDiscountQuantity",
        "CommitmentDiscountUnit", "InvoiceId", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
        "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "ServiceSubcategory", "SkuMeter",
        "SkuPriceDetails", "SubAccountType",
    ]
)  # fmt: skip
MONEY = {
    "BilledCost", "CommitmentDiscountQuantity", "ConsumedQuantity", "ContractedCost", "ContractedUnitPrice",
    "EffectiveCost", "ListCost", "ListUnitPrice", "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity",
}  # fmt: skip
TIMES = {"BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"}


def priced(
    quantity: str, list_unit: str | None, contracted_unit: str | None, billed: str, effective: str
) -> dict:
    """Costs of a priced row: List/ContractedCost are the unit price x quantity (0 without a unit price)."""
    q = Decimal(quantity)
    return {
        "PricingQuantity": quantity,
        "ListUnitPrice": list_unit,
        "ListCost": str(Decimal(list_unit) * q) if list_unit else "0",
        "ContractedUnitPrice": contracted_unit,
        "ContractedCost": str(Decimal(contracted_unit) * q) if contracted_unit else "0",
        "BilledCost": billed,
        "EffectiveCost": effective,
    }


def flat(amount: str) -> dict:
    """Costs of a Tax or Credit row: all four equal, no price."""
    return {"BilledCost": amount, "EffectiveCost": amount, "ListCost": amount, "ContractedCost": amount}


def period(month: str) -> dict:
    start = datetime.fromisoformat(f"{month}-01T00:00:00+00:00")
    end = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    return {"BillingPeriodStart": start, "BillingPeriodEnd": end}


def hour(day_hour: str, hours: int = 1) -> dict:
    start = datetime.fromisoformat(f"{day_hour}:00:00+00:00")
    return {"ChargePeriodStart": start, "ChargePeriodEnd": start.replace(hour=start.hour) + hours * _HOUR}


_HOUR = datetime(2000, 1, 1, 1, tzinfo=UTC) - datetime(2000, 1, 1, 0, tzinfo=UTC)


# --------------------------------------------------------------------------------------------------
# AWS FOCUS 1.2 with AWS columns (Parquet)

AWS_SP = "arn:aws:savingsplans::999900001111:savingsplan/0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7"


def aws_1_2_rows() -> list[dict]:
    base = {
        **period("2026-09"),
        "BillingAccountId": "999900001111",
        "BillingAccountName": "Example AI Lab",
        "BillingAccountType": "Management Account",
        "BillingCurrency": "USD",
        "PricingCurrency": "USD",
        "InvoiceIssuerName": "Amazon Web Services, Inc.",
        "ProviderName": "AWS",
        "PublisherName": "Amazon Web Services, Inc.",
        "SubAccountId": "999900003333",
        "SubAccountName": "ml-prod",
        "SubAccountType": "Member Account",
        "RegionId": "us-east-1",
        "RegionName": "US East (N. Virginia)",
    }
    ec2 = {
        "ServiceName": "Amazon Elastic Compute Cloud",
        "ServiceCategory": "Compute",
        "ServiceSubcategory": "Virtual Machines",
        "x_ServiceCode": "AmazonEC2",
        "x_Operation": "RunInstances",
    }
    sp = {
        "CommitmentDiscountCategory": "Spend",
        "CommitmentDiscountId": AWS_SP,
        "CommitmentDiscountType": "Savings Plan",
        "CommitmentDiscountUnit": "USD",
    }
    p5 = {
        "ChargeDescription": "$98.32 per On Demand Linux p5.48xlarge Instance Hour",
        "SkuId": "P5X48LINUX01",
        "SkuPriceId": "P5X48LINUX01.JRTCKXETXF.6YS6EN2CT7",
        "SkuMeter": "USE1-BoxUsage:p5.48xlarge",
        "ResourceType": "instance",
        "ConsumedQuantity": "1",
        "ConsumedUnit": "Hours",
        "PricingUnit": "Hours",
        "AvailabilityZone": "us-east-1a",
    }
    savings_plans = {
        "ServiceName": "Savings Plans for AWS Compute usage",
        "ServiceCategory": "Compute",
        "ServiceSubcategory": "Other (Compute)",
        "x_ServiceCode": "ComputeSavingsPlans",
        "SkuId": "SPCOMPUTE1YNU",
        "SkuPriceId": "SPCOMPUTE1YNU.RECURRING",
        "SkuMeter": "ComputeSP:1yrNoUpfront",
        "ResourceId": AWS_SP,
        "ResourceType": "savingsplan",
    }
    return [
        {
            **base, **ec2, **p5, **hour("2026-09-15T10"), **priced("1", "98.32", "98.32", "98.32", "98.32"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ResourceId": "i-0a1b2c3d4e5f60001", "Tags": {"user:team": "llm-training", "user:env": "prod"},
            "x_Discounts": {},
        },
        {
            **base, **savings_plans, **sp, **hour("2026-09-15T10"), **priced("1", "50", "50", "50", "0"),
            "ChargeCategory": "Purchase", "ChargeFrequency": "Recurring", "PricingCategory": "Standard",
            "ChargeDescription": "1 year No Upfront Compute Savings Plan, $50 per hour", "PricingUnit": "Hours",
            "CommitmentDiscountQuantity": "50",
        },
        {
            **base, **ec2, **p5, **sp, **hour("2026-09-15T10"), **priced("1", "98.32", "98.32", "0", "45"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ResourceId": "i-0a1b2c3d4e5f60002", "CommitmentDiscountStatus": "Used",
            "CommitmentDiscountQuantity": "45", "Tags": {"user:team": "inference"},
            "x_Discounts": {"SavingsPlanDiscount": -53.32},
        },
        {
            **base, **savings_plans, **sp, **hour("2026-09-15T10"), **priced("5", None, None, "0", "5"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ChargeDescription": "Unused Compute Savings Plan commitment", "PricingUnit": "USD",
            "CommitmentDiscountStatus": "Unused", "CommitmentDiscountQuantity": "5",
        },
        {
            **base, **hour("2026-09-15T10"), **priced("100", "0.023", "0.023", "2.3", "2.3"),
            "ServiceName": "Amazon Simple Storage Service", "ServiceCategory": "Storage",
            "ServiceSubcategory": "Object Storage", "x_ServiceCode": "AmazonS3", "x_Operation": "StandardStorage",
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "$0.023 per GB - first 50 TB / month of storage used",
            "SkuId": "S3STDSTORAGE", "SkuPriceId": "S3STDSTORAGE.JRTCKXETXF.PGHJ3S3EYE", "SkuMeter": "TimedStorage-ByteHrs",
            "ResourceId": "training-datasets", "ResourceType": "bucket", "PricingUnit": "GB-Months",
            "ConsumedQuantity": "100", "ConsumedUnit": "GB-Months",
        },
        {
            **base, **hour("2026-09-15T10"), **priced("1", "1.515", "1.515", "1.515", "1.515"),
            "ServiceName": "Amazon SageMaker", "ServiceCategory": "AI and Machine Learning",
            "ServiceSubcategory": "Machine Learning", "x_ServiceCode": "AmazonSageMaker",
            "x_Operation": "RunInstance", "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based",
            "PricingCategory": "Standard", "ChargeDescription": "$1.515 per Hosting ml.g5.2xlarge hour",
            "SkuId": "SMG52XLHOST", "SkuPriceId": "SMG52XLHOST.JRTCKXETXF.6YS6EN2CT7",
            "SkuMeter": "USE1-Host:ml.g5.2xlarge", "ResourceId": "arn:aws:sagemaker:us-east-1:999900003333:endpoint/llm-chat",
            "ResourceType": "endpoint", "PricingUnit": "Hours", "ConsumedQuantity": "1", "ConsumedUnit": "Hours",
            "Tags": {"user:team": "inference", "user:model": "chat-7b"},
        },
        {
            **base, **ec2, **hour("2026-09-01T00", 720), **flat("14.94"),
            "ChargeCategory": "Tax", "ChargeFrequency": "Recurring", "ChargeDescription": "Tax for product code AmazonEC2",
            "x_Operation": None,
        },
        {
            **base, **ec2, **hour("2026-09-01T00", 720), **flat("-10"),
            "ChargeCategory": "Credit", "ChargeFrequency": "One-Time", "ChargeDescription": "AWS Activate credit",
            "x_Operation": None,
        },
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# AWS FOCUS 1.0 with AWS columns (CSV)

AWS_RI = "arn:aws:ec2:us-east-1:999900002222:reserved-instances/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def aws_1_0_rows() -> list[dict]:
    base = {
        **period("2026-08"),
        "BillingAccountId": "999900002222",
        "BillingAccountName": "Example Inference Co",
        "BillingCurrency": "USD",
        "InvoiceIssuerName": "Amazon Web Services, Inc.",
        "ProviderName": "AWS",
        "PublisherName": "Amazon Web Services, Inc.",
        "SubAccountId": "999900004444",
        "SubAccountName": "serving",
        "RegionId": "us-east-1",
        "RegionName": "US East (N. Virginia)",
        "x_CostCategories": {"team": "serving"},
    }
    ec2 = {
        "ServiceName": "Amazon Elastic Compute Cloud",
        "ServiceCategory": "Compute",
        "x_ServiceCode": "AmazonEC2",
    }
    ri = {
        "CommitmentDiscountCategory": "Usage",
        "CommitmentDiscountId": AWS_RI,
        "CommitmentDiscountType": "Reserved Instance",
    }
    g4 = {"SkuId": "G4DNXLLINUX", "SkuPriceId": "G4DNXLLINUX.4NA7Y494T4.6YS6EN2CT7", "PricingUnit": "Hours"}
    return [
        {
            **base, **ec2, **ri, **g4, **hour("2026-08-01T00", 720), **priced("720", "0.0608", "0.0304", "21.888", "0"),
            "ChargeCategory": "Purchase", "ChargeFrequency": "Recurring", "PricingCategory": "Committed",
            "ChargeDescription": "USD 0.0304 hourly fee per Linux/UNIX (Amazon VPC), g4dn.xlarge instance",
            "ResourceId": AWS_RI, "x_UsageType": "HeavyUsage:g4dn.xlarge", "x_Operation": "RunInstances",
        },
        {
            **base, **ec2, **ri, **g4, **hour("2026-08-10T04"), **priced("1", "0.526", "0.526", "0", "0.0304"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ChargeDescription": "USD 0.0 hourly fee per Linux/UNIX (Amazon VPC), g4dn.xlarge instance",
            "CommitmentDiscountStatus": "Used", "ResourceId": "i-0f1e2d3c4b5a60001", "ConsumedQuantity": "1",
            "ConsumedUnit": "Hours", "AvailabilityZone": "us-east-1b", "x_UsageType": "BoxUsage:g4dn.xlarge",
            "x_Operation": "RunInstances", "Tags": {"user:team": "serving"},
        },
        {
            **base, **ec2, **ri, **g4, **hour("2026-08-01T00", 720), **priced("719", None, None, "0", "21.8576"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ChargeDescription": "Unused reservation hours, g4dn.xlarge", "CommitmentDiscountStatus": "Unused",
            "ResourceId": AWS_RI, "x_UsageType": "HeavyUsage:g4dn.xlarge", "x_Operation": "RunInstances",
        },
        {
            **base, **hour("2026-08-10T04"), **priced("3600", "0.000016667", "0.000016667", "0.0600012", "0.0600012"),
            "ServiceName": "AWS Lambda", "ServiceCategory": "Compute", "x_ServiceCode": "AWSLambda",
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "AWS Lambda - Total Compute - US East (N. Virginia)", "SkuId": "LAMBDAGBSEC",
            "SkuPriceId": "LAMBDAGBSEC.JRTCKXETXF.6YS6EN2CT7", "PricingUnit": "Lambda-GB-Seconds",
            "ConsumedQuantity": "3600", "ConsumedUnit": "Lambda-GB-Seconds",
            "ResourceId": "arn:aws:lambda:us-east-1:999900004444:function:tokenizer",
            "x_UsageType": "USE1-Lambda-GB-Second", "x_Operation": "Invoke",
        },
        {
            **base, **hour("2026-08-10T04"), **priced("1", "1", "1", "1", "1"),
            "ServiceName": "AWS Key Management Service", "ServiceCategory": "Identity", "x_ServiceCode": "awskms",
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "$1 per customer managed key per month", "SkuId": "KMSKEYMONTH",
            "SkuPriceId": "KMSKEYMONTH.JRTCKXETXF.6YS6EN2CT7", "PricingUnit": "Keys", "ConsumedQuantity": "1",
            "ConsumedUnit": "Keys", "ResourceId": "arn:aws:kms:us-east-1:999900004444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "x_UsageType": "us-east-1-KMS-Keys", "x_Operation": "CreateKey",
        },
        {
            **base, **hour("2026-08-10T04"), **priced("2", "0.75", "0.75", "1.5", "1.5"),
            "ServiceName": "Amazon Nimble Studio", "ServiceCategory": "Media", "x_ServiceCode": "AmazonNimble",
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "Nimble Studio streaming hours", "SkuId": "NIMBLESTREAM",
            "SkuPriceId": "NIMBLESTREAM.JRTCKXETXF.6YS6EN2CT7", "PricingUnit": "Hours", "ConsumedQuantity": "2",
            "ConsumedUnit": "Hours", "x_UsageType": "USE1-StreamingHours", "x_Operation": "Stream",
        },
        {
            **base, **ec2, **hour("2026-08-01T00", 720), **flat("2.19"),
            "ChargeCategory": "Tax", "ChargeFrequency": "Recurring", "ChargeDescription": "Tax for product code AmazonEC2",
        },
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Azure Cost Management FocusCost 1.0r2 (CSV + manifest)

AZURE_ACCOUNT = "/providers/Microsoft.Billing/billingAccounts/12345678"
AZURE_SUB = "/subscriptions/5a6b7c8d-0000-4000-8000-00000000a1b2"
AZURE_RESERVATION_ORDER = (
    "/providers/Microsoft.Capacity/reservationOrders/7e8f9a0b-1111-4222-8333-444455556666"
)
AZURE_RESERVATION = f"{AZURE_RESERVATION_ORDER}/reservations/0a1b2c3d-5555-4666-8777-888899990000"
AZURE_X = [
    "x_BilledCostInUsd",
    "x_EffectiveCostInUsd",
    "x_ResourceGroupName",
    "x_SkuMeterCategory",
    "x_SkuMeterName",
]


def azure_rows() -> list[dict]:
    base = {
        **period("2026-09"),
        "BillingAccountId": AZURE_ACCOUNT,
        "BillingAccountName": "Contoso AI",
        "BillingCurrency": "EUR",
        "InvoiceIssuerName": "Microsoft",
        "ProviderName": "Microsoft",
        "PublisherName": "Microsoft",
        "SubAccountId": AZURE_SUB,
        "SubAccountName": "ml-prod",
        "RegionId": "eastus",
        "RegionName": "East US",
    }
    vm_id = f"{AZURE_SUB}/resourcegroups/ml/providers/microsoft.compute/virtualmachines/train-01"
    vm = {
        "ServiceName": "Virtual Machines", "ServiceCategory": "Compute", "ResourceId": vm_id, "ResourceName": "train-01",
        "ResourceType": "Virtual machine", "SkuId": "DZH318Z0BQ4L", "SkuPriceId": "DZH318Z0BQ4L-0001",
        "x_SkuMeterName": "ND96amsr A100 v4", "x_SkuMeterCategory": "Virtual Machines", "x_ResourceGroupName": "ml",
        "PricingUnit": "Hours", "ConsumedUnit": "Hours", "ConsumedQuantity": "1",
    }  # fmt: skip
    reservation = {
        "CommitmentDiscountCategory": "Usage", "CommitmentDiscountId": AZURE_RESERVATION,
        "CommitmentDiscountName": "nd-a100-1y", "CommitmentDiscountType": "Reservation",
    }  # fmt: skip
    return [
        {
            **base, **vm, **hour("2026-09-15T10"), **priced("1", "30.2", "28.69", "28.69", "28.69"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "ND96amsr A100 v4 - East US", "Tags": {"team": "research"},
        },
        {
            **base, **reservation, **hour("2026-09-01T00", 24), **priced("1", "2000", "2000", "2000", "0"),
            "ChargeCategory": "Purchase", "ChargeFrequency": "One-Time", "PricingCategory": "Standard",
            "ChargeDescription": "Reserved VM Instance, ND96amsr A100 v4, 1 Year", "ServiceName": "Virtual Machines",
            "ServiceCategory": "Compute", "ResourceId": AZURE_RESERVATION_ORDER, "ResourceName": "nd-a100-1y",
            "ResourceType": "Reservation order", "SkuId": "DZH318Z0BQ4L", "SkuPriceId": "DZH318Z0BQ4L-RI1Y",
            "PricingUnit": "Units", "x_SkuMeterName": "ND96amsr A100 v4", "x_SkuMeterCategory": "Virtual Machines",
        },
        {
            **base, **vm, **reservation, **hour("2026-09-15T11"), **priced("1", "30.2", "30.2", "0", "2.5"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ChargeDescription": "ND96amsr A100 v4 - East US (reservation)", "CommitmentDiscountStatus": "Used",
            "Tags": {"team": "research"},
        },
        {
            **base, **reservation, **hour("2026-09-15T12"), **priced("1", None, None, "0", "1.2"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ChargeDescription": "Unused reservation hour", "CommitmentDiscountStatus": "Unused",
            "ServiceName": "Virtual Machines", "ServiceCategory": "Compute", "ResourceId": AZURE_RESERVATION,
            "ResourceName": "nd-a100-1y", "ResourceType": "Reservation", "SkuId": "DZH318Z0BQ4L",
            "SkuPriceId": "DZH318Z0BQ4L-RI1Y", "PricingUnit": "Hours", "x_SkuMeterName": "ND96amsr A100 v4",
        },
        {
            **base, **hour("2026-09-15T10"), **priced("1", "4.1", "4.1", "4.1", "4.1"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "Azure ML managed online endpoint, NC24ads A100 v4",
            "ServiceName": "Azure Machine Learning", "ServiceCategory": "AI and Machine Learning",
            "ResourceId": f"{AZURE_SUB}/resourcegroups/ml/providers/microsoft.machinelearningservices/workspaces/ws/onlineendpoints/chat",
            "ResourceName": "chat", "ResourceType": "Machine learning online endpoint", "SkuId": "DZH318Z0C1A1",
            "SkuPriceId": "DZH318Z0C1A1-0001", "PricingUnit": "Hours", "ConsumedQuantity": "1", "ConsumedUnit": "Hours",
            "x_SkuMeterName": "NC24ads A100 v4", "x_SkuMeterCategory": "Azure Machine Learning", "x_ResourceGroupName": "ml",
            "Tags": {"azuremlendpoint": "chat", "azuremldeployment": "blue"},
        },
        {
            **base, **hour("2026-09-15T10"), **priced("500", "0.018", "0.018", "9", "9"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "Hot LRS Data Stored", "ServiceName": "Storage Accounts", "ServiceCategory": "Storage",
            "ResourceId": f"{AZURE_SUB}/resourcegroups/ml/providers/microsoft.storage/storageaccounts/mldata",
            "ResourceName": "mldata", "ResourceType": "Storage account", "SkuId": "DZH318Z0BPH7",
            "SkuPriceId": "DZH318Z0BPH7-0002", "PricingUnit": "GB-Months", "ConsumedQuantity": "500",
            "ConsumedUnit": "GB-Months", "x_SkuMeterName": "Hot LRS Data Stored", "x_SkuMeterCategory": "Storage",
        },
        {
            **base, **hour("2026-09-15T10"), **priced("120", "0.08", "0.08", "9.6", "9.6"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "Standard Data Transfer Out", "ServiceName": "Bandwidth", "ServiceCategory": "Networking",
            "ResourceId": vm_id, "ResourceName": "train-01", "ResourceType": "Virtual machine", "SkuId": "DZH318Z0BNWP",
            "SkuPriceId": "DZH318Z0BNWP-0003", "PricingUnit": "GB", "ConsumedQuantity": "120", "ConsumedUnit": "GB",
            "x_SkuMeterName": "Standard Data Transfer Out", "x_SkuMeterCategory": "Bandwidth",
        },
    ]  # fmt: skip


def azure_manifest(blob: str, rows: int) -> dict:
    return {
        "manifestVersion": "2024-04-01",
        "dataFormat": "Csv",
        "blobCount": 1,
        "dataRowCount": rows,
        "exportConfig": {
            "exportName": "focus-daily",
            "resourceId": f"{AZURE_ACCOUNT}/providers/Microsoft.CostManagement/exports/focus-daily",
            "dataVersion": "1.0r2",
            "apiVersion": "2023-07-01-preview",
            "type": "FocusCost",
            "timeFrame": "MonthToDate",
            "granularity": "Daily",
        },
        "runInfo": {
            "executionType": "Scheduled",
            "runId": "00000000-0000-4000-8000-000000000001",
            "startDate": "2026-09-01T00:00:00",
            "endDate": "2026-09-30T00:00:00",
        },
        "blobs": [{"blobName": blob, "dataRowCount": rows}],
    }


# --------------------------------------------------------------------------------------------------
# GCP FOCUS export (Parquet, FOCUS 1.2 columns)

GCP_CUD = "projects/ml-prod/regions/us-central1/commitments/a2-highgpu-cud-1"


def gcp_rows() -> list[dict]:
    base = {
        **period("2026-09"),
        "BillingAccountId": "01ABCD-234567-89EF01",
        "BillingAccountName": "Example Research",
        "BillingAccountType": "Billing Account",
        "BillingCurrency": "USD",
        "PricingCurrency": "USD",
        "InvoiceIssuerName": "Google LLC",
        "ProviderName": "Google Cloud",
        "PublisherName": "Google Cloud",
        "SubAccountId": "ml-prod",
        "SubAccountName": "ml-prod",
        "SubAccountType": "Project",
        "RegionId": "us-central1",
        "RegionName": "Iowa",
        "InvoiceId": "5432109876",
    }
    gce = {
        "ServiceName": "Compute Engine",
        "ServiceCategory": "Compute",
        "ServiceSubcategory": "Virtual Machines",
    }
    a2 = {
        "SkuId": "6E56-6A0C-1A33", "SkuPriceId": "6E56-6A0C-1A33-OD", "SkuMeter": "A2 Instance Core",
        "ResourceId": "//compute.googleapis.com/projects/ml-prod/zones/us-central1-a/instances/trainer-1",
        "ResourceName": "trainer-1", "ResourceType": "compute.googleapis.com/Instance",
        "PricingUnit": "Hours", "ConsumedQuantity": "1", "ConsumedUnit": "Hours", "AvailabilityZone": "us-central1-a",
    }  # fmt: skip
    cud = {
        "CommitmentDiscountCategory": "Usage", "CommitmentDiscountId": GCP_CUD, "CommitmentDiscountName": "a2-highgpu-cud-1",
        "CommitmentDiscountType": "Committed Use Discount", "CommitmentDiscountUnit": "Hours",
    }  # fmt: skip
    return [
        {
            **base, **gce, **a2, **hour("2026-09-15T10"), **priced("1", "3.673", "3.673", "3.673", "3.673"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "A2 Instance Core running in Americas", "Tags": {"goog-k8s-cluster": "train"},
        },
        {
            **base, **gce, **cud, **hour("2026-09-15T10"), **priced("1", "2.314", "2.314", "2.314", "0"),
            "ChargeCategory": "Purchase", "ChargeFrequency": "Recurring", "PricingCategory": "Standard",
            "ChargeDescription": "Commitment v1: A2 Instance Core in Americas for 1 Year",
            "SkuId": "9F3A-2B4C-5D6E", "SkuPriceId": "9F3A-2B4C-5D6E-CUD", "SkuMeter": "Commitment A2 Core",
            "ResourceId": GCP_CUD, "ResourceName": "a2-highgpu-cud-1", "ResourceType": "Commitment",
            "PricingUnit": "Hours", "CommitmentDiscountQuantity": "1",
        },
        {
            **base, **gce, **a2, **cud, **hour("2026-09-15T11"), **priced("1", "3.673", "3.673", "0", "2.314"),
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Committed",
            "ChargeDescription": "A2 Instance Core running in Americas (committed)", "CommitmentDiscountStatus": "Used",
            "CommitmentDiscountQuantity": "1",
        },
        {
            **base, **hour("2026-09-15T10"), **priced("2", "1.375", "1.375", "2.75", "2.75"),
            "ServiceName": "Vertex AI", "ServiceCategory": "AI and Machine Learning", "ServiceSubcategory": "Machine Learning",
            "ChargeCategory": "Usage", "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard",
            "ChargeDescription": "Vertex AI: Online/Batch Prediction NVIDIA L4 GPU running in Iowa",
            "SkuId": "1F2E-3D4C-5B6A", "SkuPriceId": "1F2E-3D4C-5B6A-OD", "SkuMeter": "Prediction L4 GPU",
            "ResourceId": "//aiplatform.googleapis.com/projects/ml-prod/locations/us-central1/endpoints/987",
            "ResourceName": "chat-endpoint", "ResourceType": "aiplatform.googleapis.com/Endpoint",
            "PricingUnit": "Hours", "ConsumedQuantity": "2", "ConsumedUnit": "Hours",
            "Tags": {"goog-vertex-endpoint": "chat", "team": "inference"},
        },
        {
            **base, **gce, **hour("2026-09-01T00", 720), **flat("-1.5"),
            "ChargeCategory": "Credit", "ChargeFrequency": "One-Time", "ChargeDescription": "Promotion: research credits",
        },
        {
            **base, **gce, **hour("2026-09-01T00", 720), **flat("0.62"),
            "ChargeCategory": "Tax", "ChargeFrequency": "Recurring", "ChargeDescription": "Sales tax",
        },
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------------
# writers


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":")) if value else ""
    return str(value)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row.get(c)) for c in columns])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_parquet(path: Path, columns: list[str], rows: list[dict], maps: dict[str, pa.DataType]) -> None:
    fields, arrays = [], []
    for column in columns:
        values = [row.get(column) for row in rows]
        if column in maps:
            kind = maps[column]
            values = [list(v.items()) if v else None for v in values]
        elif column in MONEY:
            kind = pa.float64()
            values = [float(v) if v is not None else None for v in values]
        elif column in TIMES:
            kind = pa.timestamp("ms", tz="UTC")
        else:
            kind = pa.string()
            values = [json.dumps(v) if isinstance(v, dict) else v for v in values]
        fields.append(pa.field(column, kind))
        arrays.append(pa.array(values, type=kind))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path, compression="zstd")


PATHS = {
    "aws_1_2": OUT / "aws-focus-1-2" / "data" / "BILLING_PERIOD=2026-09" / "aws-focus-1-2-00001.parquet",
    "aws_1_0": OUT / "aws-focus-1-0" / "aws-focus-1-0-2026-08.csv",
    "azure_csv": OUT / "azure-focuscost" / "20260901-20260930" / "run-01" / "part_0_0001.csv",
    "azure_manifest": OUT / "azure-focuscost" / "20260901-20260930" / "run-01" / "manifest.json",
    "gcp": OUT / "gcp-focus" / "gcp_billing_export_focus_01ABCD_234567_89EF01-2026-09.parquet",
}


def build() -> dict[str, Path]:
    string_map = pa.map_(pa.string(), pa.string())
    write_parquet(
        PATHS["aws_1_2"],
        [*FOCUS_1_2, "x_Discounts", "x_Operation", "x_ServiceCode"],
        aws_1_2_rows(),
        {"Tags": string_map, "x_Discounts": pa.map_(pa.string(), pa.float64())},
    )
    write_csv(
        PATHS["aws_1_0"],
        [*FOCUS_1_0, "x_CostCategories", "x_Discounts", "x_Operation", "x_ServiceCode", "x_UsageType"],
        aws_1_0_rows(),
    )
    azure = azure_rows()
    write_csv(PATHS["azure_csv"], [*FOCUS_1_0, *AZURE_X], azure)
    blob = "focus/azure-focuscost/20260901-20260930/run-01/part_0_0001.csv"
    PATHS["azure_manifest"].write_text(json.dumps(azure_manifest(blob, len(azure)), indent=2) + "\n")
    write_parquet(PATHS["gcp"], [*FOCUS_1_2, "x_ServiceId"], gcp_rows(), {"Tags": string_map})
    return PATHS


if __name__ == "__main__":
    for name, path in build().items():
        print(f"{name}: {path.relative_to(ROOT)}")
