"""The landed native-FOCUS table: the 57 FOCUS 1.2 Cost and Usage columns (exact FOCUS names and types),
the few provider `x_` columns the FOCUS line items use, and what ingest adds.

Whatever version a provider exported (FOCUS 1.0, 1.0r2, 1.1 or 1.2), one landed table serves them all:
a column the delivered version does not have lands as null and `x_source_focus_version` says which version
was delivered. The upgrade to 1.2 (derived values) happens in dbt (`int_focus__focus_line_items`); ingest
only refuses rows that cannot meet 1.2 even after that upgrade (`focus_native`).

Column lists: FOCUS_Spec `specification/columns/*.md` at tags v1.0, v1.1 and v1.2, via
`shared/focus/focus_columns.csv` (`introduced_in`, `feature_level_1_2`, `allows_nulls_1_2`).
"""

from __future__ import annotations

from ai_finops.ingest.aws_cur_schema import LINEAGE_COLUMNS

STRING = "VARCHAR"
DOUBLE = "DOUBLE"
TIMESTAMP = "TIMESTAMP"  # UTC, zone dropped after conversion
JSON_TEXT = "VARCHAR"  # a JSON object as text (Tags, SkuPriceDetails)

# FOCUS 1.2 Cost and Usage, in the specification's (alphabetical) order.
FOCUS_1_2_COLUMNS: dict[str, str] = {
    "AvailabilityZone": STRING,
    "BilledCost": DOUBLE,
    "BillingAccountId": STRING,
    "BillingAccountName": STRING,
    "BillingAccountType": STRING,
    "BillingCurrency": STRING,
    "BillingPeriodEnd": TIMESTAMP,
    "BillingPeriodStart": TIMESTAMP,
    "CapacityReservationId": STRING,
    "CapacityReservationStatus": STRING,
    "ChargeCategory": STRING,
    "ChargeClass": STRING,
    "ChargeDescription": STRING,
    "ChargeFrequency": STRING,
    "ChargePeriodEnd": TIMESTAMP,
    "ChargePeriodStart": TIMESTAMP,
    "CommitmentDiscountCategory": STRING,
    "CommitmentDiscountId": STRING,
    "CommitmentDiscountName": STRING,
    "CommitmentDiscountQuantity": DOUBLE,
    "CommitmentDiscountStatus": STRING,
    "CommitmentDiscountType": STRING,
    "CommitmentDiscountUnit": STRING,
    "ConsumedQuantity": DOUBLE,
    "ConsumedUnit": STRING,
    "ContractedCost": DOUBLE,
    "ContractedUnitPrice": DOUBLE,
    "EffectiveCost": DOUBLE,
    "InvoiceId": STRING,
    "InvoiceIssuerName": STRING,
    "ListCost": DOUBLE,
    "ListUnitPrice": DOUBLE,
    "PricingCategory": STRING,
    "PricingCurrency": STRING,
    "PricingCurrencyContractedUnitPrice": DOUBLE,
    "PricingCurrencyEffectiveCost": DOUBLE,
    "PricingCurrencyListUnitPrice": DOUBLE,
    "PricingQuantity": DOUBLE,
    "PricingUnit": STRING,
    "ProviderName": STRING,
    "PublisherName": STRING,
    "RegionId": STRING,
    "RegionName": STRING,
    "ResourceId": STRING,
    "ResourceName": STRING,
    "ResourceType": STRING,
    "ServiceCategory": STRING,
    "ServiceName": STRING,
    "ServiceSubcategory": STRING,
    "SkuId": STRING,
    "SkuMeter": STRING,
    "SkuPriceDetails": JSON_TEXT,
    "SkuPriceId": STRING,
    "SubAccountId": STRING,
    "SubAccountName": STRING,
    "SubAccountType": STRING,
    "Tags": JSON_TEXT,
}
JSON_COLUMNS = ("SkuPriceDetails", "Tags")

# Provider columns of the native exports that map to a FOCUS line-item extension or feed an upgrade:
# AWS Data Exports "FOCUS 1.0/1.2 with AWS columns" (x_ServiceCode, x_UsageType, x_Operation) and Azure
# Cost Management FocusCost (x_SkuMeterName). Every other x_ column is listed in `_delivery.json` as unmapped.
PROVIDER_COLUMNS: dict[str, str] = {
    "x_ServiceCode": STRING,
    "x_UsageType": STRING,
    "x_Operation": STRING,
    "x_SkuMeterName": STRING,
}

# What ingest adds: the provider folder the row lands in and the FOCUS version the file was delivered in.
INGEST_COLUMNS: dict[str, str] = {
    "x_source_provider": STRING,
    "x_source_focus_version": STRING,
}

LANDED_COLUMNS: dict[str, str] = {
    **FOCUS_1_2_COLUMNS,
    **PROVIDER_COLUMNS,
    **INGEST_COLUMNS,
    **LINEAGE_COLUMNS,
}

# The 21 Mandatory columns of FOCUS 1.2; all 21 are Mandatory in 1.0 and 1.1 too. A file without one is refused.
MANDATORY_COLUMNS = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
)

# Columns that must hold a value on every row in 1.2 (Mandatory or Recommended and not nullable).
# ChargeFrequency is checked after its upgrade (derived for Usage rows when a file lacks it).
NOT_NULL_COLUMNS = (
    "BilledCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
)

# Version detection from the column set (documented in the README, "Native FOCUS exports"):
# the columns each version added to Cost and Usage.
ADDED_IN_1_2 = (
    "BillingAccountType",
    "SubAccountType",
    "InvoiceId",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
)
ADDED_IN_1_1 = (
    "CapacityReservationId",
    "CapacityReservationStatus",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountUnit",
    "ServiceSubcategory",
    "SkuMeter",
    "SkuPriceDetails",
)
# Names of FOCUS 0.5 / 1.0-preview that 1.0 renamed or removed (Provider -> ProviderName, ChargeType ->
# ChargeCategory, AmortizedCost -> EffectiveCost, UsageQuantity -> ConsumedQuantity, Region -> RegionId).
PRE_1_0_NAMES = (
    "AmortizedCost",
    "ChargeType",
    "InvoiceIssuer",
    "Provider",
    "Publisher",
    "Region",
    "UsageQuantity",
    "UsageUnit",
)
# Cost and Usage columns added after 1.2 (1.3 and 1.4): such a file is a newer version this ingest does not read.
ADDED_AFTER_1_2 = (
    "AllocatedMethodDetails",
    "AllocatedMethodId",
    "AllocatedResourceId",
    "AllocatedResourceName",
    "AllocatedTags",
    "CommitmentProgramEligibilityDetails",
    "ContractApplied",
    "HostProviderName",
    "InvoiceDetailId",
    "ServiceProviderName",
)

# Allowed values (FOCUS 1.2; case-sensitive). ServiceCategory / ServiceSubcategory come from the seed
# seeds/focus_service_subcategories.csv so there is one list.
ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "ChargeCategory": ("Usage", "Purchase", "Tax", "Credit", "Adjustment"),
    "ChargeClass": ("Correction",),
    "ChargeFrequency": ("One-Time", "Recurring", "Usage-Based"),
    "PricingCategory": ("Standard", "Dynamic", "Committed", "Other"),
    "CommitmentDiscountCategory": ("Spend", "Usage"),
    "CommitmentDiscountStatus": ("Used", "Unused"),
    "CapacityReservationStatus": ("Used", "Unused"),
}

# ProviderName (lower-cased) -> the provider folder a row lands in. Anything else is refused.
PROVIDER_NAMES: dict[str, str] = {
    "aws": "aws",
    "amazon": "aws",
    "amazon web services": "aws",
    "amazon web services, inc.": "aws",
    "microsoft": "azure",
    "microsoft azure": "azure",
    "azure": "azure",
    "microsoft corporation": "azure",
    "google": "gcp",
    "google cloud": "gcp",
    "google cloud platform": "gcp",
    "google llc": "gcp",
    "gcp": "gcp",
}
LANDED_PROVIDERS = ("aws", "azure", "gcp")
