"""The landed GCP billing table: the BigQuery detailed usage cost export, column for column.

Column names, nesting and types mirror `gcp_billing_export_resource_v1_<BILLING_ACCOUNT_ID>` as documented
by Google ("Structure of Detailed data export", last updated 2026-04-08; provider_exports.md §3.2), so the
same staging SQL reads the landed Parquet on DuckDB and the native export table on BigQuery:

- RECORD columns stay STRUCTs (`service.description`, `invoice.month`, `usage.amount`, ...);
- REPEATED RECORD columns stay lists of STRUCTs (`credits`, `labels`, `system_labels`, `project.labels`,
  `project.ancestors`, `tags`); BigQuery never makes them NULL, an absent list lands as an empty list;
- FLOAT64 -> DOUBLE, NUMERIC -> DECIMAL(38, 9) (what BigQuery writes to Parquet), TIMESTAMP -> TIMESTAMPTZ
  (Parquet `isAdjustedToUTC`, which BigQuery loads back as TIMESTAMP), STRING -> VARCHAR.

The standard export (`gcp_billing_export_v1_*`) is the same table without `resource` and `subscription`;
it lands here with those columns null. Columns Google adds later are kept out until they are listed here
(the ingest names them as unmapped in `_delivery.json`).
"""

from __future__ import annotations

import pyarrow as pa

KEY_VALUE = pa.struct([("key", pa.string()), ("value", pa.string())])
ANCESTOR = pa.struct([("resource_name", pa.string()), ("display_name", pa.string())])
TAG = pa.struct(
    [("key", pa.string()), ("value", pa.string()), ("inherited", pa.bool_()), ("namespace", pa.string())]
)
CREDIT = pa.struct(
    [
        ("name", pa.string()),
        ("amount", pa.float64()),
        ("full_name", pa.string()),
        ("id", pa.string()),
        ("type", pa.string()),
    ]
)
NUMERIC = pa.decimal128(38, 9)
TIMESTAMP = pa.timestamp("us", tz="UTC")

EXPORT_SCHEMA = pa.schema(
    [
        ("billing_account_id", pa.string()),
        ("service", pa.struct([("id", pa.string()), ("description", pa.string())])),
        ("sku", pa.struct([("id", pa.string()), ("description", pa.string())])),
        ("usage_start_time", TIMESTAMP),
        ("usage_end_time", TIMESTAMP),
        (
            "project",
            pa.struct(
                [
                    ("id", pa.string()),
                    ("number", pa.string()),
                    ("name", pa.string()),
                    ("labels", pa.list_(KEY_VALUE)),
                    ("ancestry_numbers", pa.string()),
                    ("ancestors", pa.list_(ANCESTOR)),
                ]
            ),
        ),
        ("labels", pa.list_(KEY_VALUE)),
        ("system_labels", pa.list_(KEY_VALUE)),
        (
            "location",
            pa.struct(
                [
                    ("location", pa.string()),
                    ("country", pa.string()),
                    ("region", pa.string()),
                    ("zone", pa.string()),
                ]
            ),
        ),
        ("tags", pa.list_(TAG)),
        ("transaction_type", pa.string()),
        ("seller_name", pa.string()),
        ("export_time", TIMESTAMP),
        ("cost", pa.float64()),
        ("currency", pa.string()),
        ("currency_conversion_rate", pa.float64()),
        (
            "usage",
            pa.struct(
                [
                    ("amount", pa.float64()),
                    ("unit", pa.string()),
                    ("amount_in_pricing_units", pa.float64()),
                    ("pricing_unit", pa.string()),
                ]
            ),
        ),
        ("credits", pa.list_(CREDIT)),
        ("invoice", pa.struct([("month", pa.string()), ("publisher_type", pa.string())])),
        ("cost_type", pa.string()),
        (
            "adjustment_info",
            pa.struct(
                [
                    ("id", pa.string()),
                    ("description", pa.string()),
                    ("mode", pa.string()),
                    ("type", pa.string()),
                ]
            ),
        ),
        ("cost_at_list", pa.float64()),
        ("cost_at_effective_price_default", NUMERIC),
        ("cost_at_list_consumption_model", NUMERIC),
        (
            "price",
            pa.struct(
                [
                    ("effective_price", NUMERIC),
                    ("tier_start_amount", NUMERIC),
                    ("unit", pa.string()),
                    ("pricing_unit_quantity", NUMERIC),
                    ("list_price", NUMERIC),
                    ("effective_price_default", NUMERIC),
                    ("list_price_consumption_model", NUMERIC),
                ]
            ),
        ),
        ("consumption_model", pa.struct([("id", pa.string()), ("description", pa.string())])),
        ("resource", pa.struct([("name", pa.string()), ("global_name", pa.string())])),
        ("subscription", pa.struct([("instance_id", pa.string())])),
    ]
)

# Top-level REPEATED columns and nested REPEATED fields: never null in BigQuery, an empty list here.
LIST_PATHS: tuple[tuple[str, ...], ...] = (
    ("labels",),
    ("system_labels",),
    ("tags",),
    ("credits",),
    ("project", "labels"),
    ("project", "ancestors"),
)

LINEAGE_SCHEMA = pa.schema(
    [
        ("_delivery_id", pa.string()),
        ("_source_file", pa.string()),
        ("_source_row_number", pa.int64()),
        ("_source_format", pa.string()),
        ("_loaded_at", pa.timestamp("us")),
    ]
)


def duckdb_type(arrow_type: pa.DataType) -> str:
    """The DuckDB spelling of an Arrow type of this schema (for typed empty views)."""
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f'"{f.name}" {duckdb_type(f.type)}' for f in arrow_type)
        return f"STRUCT({fields})"
    if pa.types.is_list(arrow_type):
        return f"{duckdb_type(arrow_type.value_type)}[]"
    if pa.types.is_string(arrow_type):
        return "VARCHAR"
    if pa.types.is_float64(arrow_type):
        return "DOUBLE"
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_int64(arrow_type):
        return "BIGINT"
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision}, {arrow_type.scale})"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ" if arrow_type.tz else "TIMESTAMP"
    raise TypeError(f"no DuckDB spelling for {arrow_type}")


EXPORT_COLUMNS: dict[str, str] = {f.name: duckdb_type(f.type) for f in EXPORT_SCHEMA}
LINEAGE_COLUMNS: dict[str, str] = {f.name: duckdb_type(f.type) for f in LINEAGE_SCHEMA}

# Columns without which a row cannot be billed or placed: the file is refused when one is missing.
REQUIRED_PATHS: tuple[tuple[str, ...], ...] = (
    ("billing_account_id",),
    ("cost",),
    ("currency",),
    ("credits",),
    ("invoice", "month"),
    ("usage_start_time",),
    ("cost_type",),
)

# `cost_type` values Google documents, plus the spelling with a space seen in older exports.
COST_TYPES: tuple[str, ...] = ("regular", "tax", "adjustment", "rounding_error", "rounding error")

CREDIT_TYPES: tuple[str, ...] = (
    "COMMITTED_USAGE_DISCOUNT",
    "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE",
    "SUSTAINED_USAGE_DISCOUNT",
    "FREE_TIER",
    "PROMOTION",
    "DISCOUNT",
    "SUBSCRIPTION_BENEFIT",
    "FEE_UTILIZATION_OFFSET",
    "RESELLER_MARGIN",
    "CREDIT_TYPE_UNSPECIFIED",
    "SPENDING_BASED_DISCOUNT",
)
