"""The landed Azure cost details tables: one column set for EA and MCA, actual and amortized alike.

Azure Cost Management exports "Cost and usage details" in two contract schemas (provider_exports.md §2.3):
EA (`2024-08-01`, PascalCase: `CostInBillingCurrency`, `BillingCurrencyCode`, `ResourceGroup`) and
MCA / MPA (`2023-12-01-preview`, camelCase: `costInBillingCurrency`, `billingCurrency`, `resourceGroupName`),
plus the older EA "C360" variant (`Cost`, `BillingCurrency`, `Product`, `InvoiceSection`). The actual and the
amortized dataset share identical columns; only their rows differ. Every variant lands in the columns below
(snake_case), under `raw_azure.cost_details_actual` and `raw_azure.cost_details_amortized`, so each staging
model stays 1:1 with one landed table.

A delivered header is matched to a landed column by its *key*: the English name (for a localised header such
as `Abonnement-GUID (SubscriptionGuid)`, the name in parentheses), lower-cased, with everything that is not a
letter or a digit removed. `CostInBillingCurrency`, `costInBillingCurrency` and `COST_IN_BILLING_CURRENCY`
all have the key `costinbillingcurrency`. Where two delivered columns map to one landed column (`Cost` and
`CostInBillingCurrency`), the first non-empty value wins, in the order listed in `ALIASES`.

Types: money, prices and quantities DOUBLE (as AWS); the usage day and the billing and service periods DATE;
`tags` and `additional_info` MAP(VARCHAR, VARCHAR) (nested JSON values kept as JSON text); everything else
VARCHAR, ids included (never cast an enrolment number to an integer).
"""

from __future__ import annotations

STRING = "VARCHAR"
DOUBLE = "DOUBLE"
DATE = "DATE"
MAP_STR = "MAP(VARCHAR, VARCHAR)"

_S, _D, _T, _M = STRING, DOUBLE, DATE, MAP_STR

# landed column -> DuckDB type
COST_DETAILS_COLUMNS: dict[str, str] = {
    # billing account, profile and invoice
    "billing_account_id": _S,
    "billing_account_name": _S,
    "billing_profile_id": _S,
    "billing_profile_name": _S,
    "invoice_id": _S,
    "previous_invoice_id": _S,
    "invoice_section_id": _S,
    "invoice_section_name": _S,
    "account_name": _S,  # EA enrolment account
    "account_owner_id": _S,
    "cost_center": _S,
    "partner_name": _S,  # MPA / CSP
    "reseller_name": _S,
    "reseller_mpn_id": _S,
    "customer_tenant_id": _S,
    "customer_name": _S,
    # periods
    "billing_period_start_date": _T,
    "billing_period_end_date": _T,  # inclusive, as Azure writes it
    "service_period_start_date": _T,
    "service_period_end_date": _T,
    "date": _T,  # the usage day; rows are daily
    # subscription and resource
    "subscription_id": _S,
    "subscription_name": _S,
    "resource_group": _S,
    "resource_id": _S,
    "resource_name": _S,
    "resource_location": _S,
    "location": _S,
    "availability_zone": _S,
    "consumed_service": _S,
    "service_family": _S,
    # meter and product
    "meter_id": _S,
    "meter_name": _S,
    "meter_category": _S,
    "meter_sub_category": _S,
    "meter_region": _S,
    "product_id": _S,
    "product_name": _S,
    "part_number": _S,
    "product_order_id": _S,
    "product_order_name": _S,
    "offer_id": _S,
    "plan_name": _S,
    "publisher_type": _S,
    "publisher_id": _S,
    "publisher_name": _S,
    "service_info1": _S,
    "service_info2": _S,
    "additional_info": _M,
    "tags": _M,
    # charge
    "charge_type": _S,
    "frequency": _S,
    "pricing_model": _S,
    "term": _S,
    "unit_of_measure": _S,
    "quantity": _D,
    "effective_price": _D,
    "unit_price": _D,
    "payg_price": _D,
    "billing_currency": _S,
    "pricing_currency": _S,
    "cost_in_billing_currency": _D,
    "cost_in_pricing_currency": _D,
    "cost_in_usd": _D,
    "payg_cost_in_billing_currency": _D,
    "payg_cost_in_usd": _D,
    "exchange_rate_pricing_to_billing": _D,
    "exchange_rate_date": _S,  # informational; partner files write it with a two-digit year
    "is_azure_credit_eligible": _S,
    # commitments
    "reservation_id": _S,
    "reservation_name": _S,
    "benefit_id": _S,
    "benefit_name": _S,
    "cost_allocation_rule_name": _S,
    "provider": _S,
}

# Lineage columns stamped on every landed row (the same five as AWS).
LINEAGE_COLUMNS: dict[str, str] = {
    "_delivery_id": STRING,
    "_source_file": STRING,
    "_source_row_number": "BIGINT",
    "_source_format": STRING,
    "_loaded_at": "TIMESTAMP",
}

# Landed column -> every header spelling we accept, as keys (see module doc), in coalesce order. A landed
# column not listed here is matched by its own name without underscores.
ALIASES: dict[str, tuple[str, ...]] = {
    "billing_currency": ("billingcurrencycode", "billingcurrency"),
    "pricing_currency": ("pricingcurrencycode", "pricingcurrency"),
    "cost_in_billing_currency": ("costinbillingcurrency", "cost"),
    "resource_group": ("resourcegroup", "resourcegroupname"),
    "product_name": ("productname", "product"),
    "invoice_section_name": ("invoicesectionname", "invoicesection"),
    "payg_price": ("paygprice",),
    "meter_sub_category": ("metersubcategory",),
    "benefit_id": ("benefitid",),
    "benefit_name": ("benefitname",),
}

# Without these a line cannot be keyed, placed in time or priced.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "billing_period_start_date",
    "date",
    "charge_type",
    "cost_in_billing_currency",
    "billing_currency",
)
# At least one of these names the billing account: MCA's billing profile, else the (EA) billing account.
ACCOUNT_COLUMNS: tuple[str, ...] = ("billing_profile_id", "billing_account_id")

# The landing key of a row: the billing profile (MCA) or the billing account (EA, where Azure writes the
# enrolment number in both columns). The FOCUS BillingAccountId uses the same expression.
ACCOUNT_KEY_SQL = "coalesce(billing_profile_id, billing_account_id)"

# Header keys of the legacy pay-as-you-go (MOSA) usage export, which this ingest refuses (README "Azure").
LEGACY_PAYG_KEYS: frozenset[str] = frozenset(
    {"subscriptionguid", "pretaxcost", "usagedatetime", "instanceid"}
)

# Azure dataset (export type) -> landed source kind and raw view.
DATASETS: dict[str, str] = {"actual": "cost_details_actual", "amortized": "cost_details_amortized"}
EXPORT_TYPES: dict[str, str] = {"actualcost": "actual", "amortizedcost": "amortized"}

CHARGE_TYPES: tuple[str, ...] = (
    "Usage",
    "Purchase",
    "UnusedReservation",
    "UnusedSavingsPlan",
    "Refund",
    "RoundingAdjustment",
    "Tax",
    "Credit",
)
PRICING_MODELS: tuple[str, ...] = ("OnDemand", "Reservation", "SavingsPlan", "Spot")
