"""The landed AWS CUR table: CUR 2.0 column names and types, whatever format was delivered.

Legacy CUR (CSV `lineItem/UnblendedCost`, Athena Parquet `line_item_unblended_cost`) and CUR 2.0
(Parquet, CSV with maps as JSON) are all normalised to this one shape, so staging stays 1:1 with one
landed table. Column list and types: AWS Data Exports CUR 2.0 (COST_AND_USAGE_REPORT) table dictionary
and the Cloud Intelligence Dashboards Glue definition. Rates and reservation/savings-plan start and end
times are strings in CUR and stay strings here.
"""

from __future__ import annotations

STRING = "VARCHAR"
DOUBLE = "DOUBLE"
TIMESTAMP = "TIMESTAMP"  # UTC, zone dropped after conversion
MAP_STR = "MAP(VARCHAR, VARCHAR)"
MAP_DOUBLE = "MAP(VARCHAR, DOUBLE)"

_S = STRING
_D = DOUBLE
_T = TIMESTAMP

CUR_COLUMNS: dict[str, str] = {
    # bill
    "bill_bill_type": _S,
    "bill_billing_entity": _S,
    "bill_billing_period_end_date": _T,
    "bill_billing_period_start_date": _T,
    "bill_invoice_id": _S,
    "bill_invoicing_entity": _S,
    "bill_payer_account_id": _S,
    "bill_payer_account_name": _S,
    # maps
    "cost_category": MAP_STR,
    "discount": MAP_DOUBLE,
    "discount_bundled_discount": _D,
    "discount_total_discount": _D,
    # identity
    "identity_line_item_id": _S,
    "identity_time_interval": _S,
    # line item
    "line_item_availability_zone": _S,
    "line_item_blended_cost": _D,
    "line_item_blended_rate": _S,
    "line_item_currency_code": _S,
    "line_item_legal_entity": _S,
    "line_item_line_item_description": _S,
    "line_item_line_item_type": _S,
    "line_item_net_unblended_cost": _D,
    "line_item_net_unblended_rate": _S,
    "line_item_normalization_factor": _D,
    "line_item_normalized_usage_amount": _D,
    "line_item_operation": _S,
    "line_item_product_code": _S,
    "line_item_resource_id": _S,
    "line_item_tax_type": _S,
    "line_item_unblended_cost": _D,
    "line_item_unblended_rate": _S,
    "line_item_usage_account_id": _S,
    "line_item_usage_account_name": _S,
    "line_item_usage_amount": _D,
    "line_item_usage_end_date": _T,
    "line_item_usage_start_date": _T,
    "line_item_usage_type": _S,
    "line_item_iam_principal": _S,
    "line_item_user_identifier": _S,
    # pricing
    "pricing_currency": _S,
    "pricing_lease_contract_length": _S,
    "pricing_offering_class": _S,
    "pricing_public_on_demand_cost": _D,
    "pricing_public_on_demand_rate": _S,
    "pricing_purchase_option": _S,
    "pricing_rate_code": _S,
    "pricing_rate_id": _S,
    "pricing_term": _S,
    "pricing_unit": _S,
    # product
    "product": MAP_STR,
    "product_comment": _S,
    "product_fee_code": _S,
    "product_fee_description": _S,
    "product_from_location": _S,
    "product_from_location_type": _S,
    "product_from_region_code": _S,
    "product_instance_family": _S,
    "product_instance_type": _S,
    "product_instancesku": _S,
    "product_location": _S,
    "product_location_type": _S,
    "product_operation": _S,
    "product_pricing_unit": _S,
    "product_product_family": _S,
    "product_region_code": _S,
    "product_servicecode": _S,
    "product_sku": _S,
    "product_to_location": _S,
    "product_to_location_type": _S,
    "product_to_region_code": _S,
    "product_usagetype": _S,
    # reservation
    "reservation_amortized_upfront_cost_for_usage": _D,
    "reservation_amortized_upfront_fee_for_billing_period": _D,
    "reservation_availability_zone": _S,
    "reservation_effective_cost": _D,
    "reservation_end_time": _S,
    "reservation_modification_status": _S,
    "reservation_net_amortized_upfront_cost_for_usage": _D,
    "reservation_net_amortized_upfront_fee_for_billing_period": _D,
    "reservation_net_effective_cost": _D,
    "reservation_net_recurring_fee_for_usage": _D,
    "reservation_net_unused_amortized_upfront_fee_for_billing_period": _D,
    "reservation_net_unused_recurring_fee": _D,
    "reservation_net_upfront_value": _D,
    "reservation_normalized_units_per_reservation": _D,
    "reservation_number_of_reservations": _S,
    "reservation_recurring_fee_for_usage": _D,
    "reservation_reservation_a_r_n": _S,
    "reservation_start_time": _S,
    "reservation_subscription_id": _S,
    "reservation_total_reserved_normalized_units": _D,
    "reservation_total_reserved_units": _D,
    "reservation_units_per_reservation": _D,
    "reservation_unused_amortized_upfront_fee_for_billing_period": _D,
    "reservation_unused_normalized_unit_quantity": _D,
    "reservation_unused_quantity": _D,
    "reservation_unused_recurring_fee": _D,
    "reservation_upfront_value": _D,
    # tags
    "resource_tags": MAP_STR,
    "tags": MAP_STR,
    # savings plan
    "savings_plan_amortized_upfront_commitment_for_billing_period": _D,
    "savings_plan_end_time": _S,
    "savings_plan_instance_type_family": _S,
    "savings_plan_net_amortized_upfront_commitment_for_billing_period": _D,
    "savings_plan_net_recurring_commitment_for_billing_period": _D,
    "savings_plan_net_savings_plan_effective_cost": _D,
    "savings_plan_offering_type": _S,
    "savings_plan_payment_option": _S,
    "savings_plan_purchase_term": _S,
    "savings_plan_recurring_commitment_for_billing_period": _D,
    "savings_plan_region": _S,
    "savings_plan_savings_plan_a_r_n": _S,
    "savings_plan_savings_plan_effective_cost": _D,
    "savings_plan_savings_plan_rate": _S,
    "savings_plan_start_time": _S,
    "savings_plan_total_commitment_to_date": _D,
    "savings_plan_used_commitment": _D,
    # split cost allocation (EKS / ECS)
    "split_line_item_actual_usage": _D,
    "split_line_item_net_split_cost": _D,
    "split_line_item_net_unused_cost": _D,
    "split_line_item_parent_resource_id": _S,
    "split_line_item_public_on_demand_split_cost": _D,
    "split_line_item_public_on_demand_unused_cost": _D,
    "split_line_item_reserved_usage": _D,
    "split_line_item_split_cost": _D,
    "split_line_item_split_usage": _D,
    "split_line_item_split_usage_ratio": _D,
    "split_line_item_unused_cost": _D,
    # capacity reservations (CUR 2.0, 2025)
    "capacity_reservation_capacity_reservation_arn": _S,
    "capacity_reservation_capacity_reservation_status": _S,
    "capacity_reservation_capacity_reservation_type": _S,
}

# Columns every delivery must carry: without them a line cannot be priced, placed in time or keyed.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "bill_payer_account_id",
    "bill_billing_period_start_date",
    "line_item_line_item_type",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_product_code",
    "line_item_unblended_cost",
    "line_item_currency_code",
)

# Lineage columns stamped on every landed row.
LINEAGE_COLUMNS: dict[str, str] = {
    "_delivery_id": STRING,
    "_source_file": STRING,
    "_source_row_number": "BIGINT",
    "_source_format": STRING,
    "_loaded_at": "TIMESTAMP",
}

LINE_ITEM_TYPES: tuple[str, ...] = (
    "Usage",
    "DiscountedUsage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "SavingsPlanUpfrontFee",
    "RIFee",
    "Fee",
    "Tax",
    "Credit",
    "Refund",
    "EdpDiscount",
    "PrivateRateDiscount",
    "BundledDiscount",
    "Discount",
    "SppDiscount",
    "DistributorDiscount",
)
