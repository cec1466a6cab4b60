"""Expectation suites for AWS Cost and Usage Reports, and the CUR facts they validate.

Two raw formats, four stages:

| suite                      | runs on                        | facts (one row per ...)                          |
|----------------------------|--------------------------------|--------------------------------------------------|
| `aws_cur2.schema`          | each CUR 2.0 file              | CUR column x delivered column: presence, types   |
| `aws_cur_legacy.schema`    | each legacy CUR file           | (same)                                           |
| `aws_cur2.values`          | each CUR 2.0 file, one scan    | checked column: parse failures, empty values     |
| `aws_cur_legacy.values`    | each legacy CUR file           | (same)                                           |
| `aws_cur2.rows_sample`     | each CUR 2.0 file              | sampled line (at most 10,000 per file)           |
| `aws_cur_legacy.rows_sample` | each legacy CUR file         | (same)                                           |
| `aws_cur.slices`           | each delivery (all its files)  | file x payer x period x currency x line item type x bill type |

Exemptions follow the CUR's own corrections: usage amounts may be negative and usage dates may lie outside
the billing period on Credit, Refund and discount lines and on every line of a Refund bill.
"""

from __future__ import annotations

import duckdb

from ai_finops.ingest.aws_cur_schema import DOUBLE, LINE_ITEM_TYPES, REQUIRED_COLUMNS, STRING, TIMESTAMP
from ai_finops.quality.reference import ISO_4217_CURRENCIES
from ai_finops.quality.suites import problem, register

CUR2 = "aws_cur2"
LEGACY = "aws_cur_legacy"
SLICES = "aws_cur.slices"

# CUR 2.0 columns of the default Data Exports query beyond the ones every shape needs: a CUR 2.0 file
# without them is a hand-made extract, not an export. Legacy reports vary too much to ask more.
REQUIRED: dict[str, tuple[str, ...]] = {
    CUR2: (
        *REQUIRED_COLUMNS,
        "bill_billing_period_end_date",
        "bill_bill_type",
        "identity_line_item_id",
        "line_item_usage_account_id",
        "line_item_usage_amount",
    ),
    LEGACY: REQUIRED_COLUMNS,
}

# Columns that must have a value on every row: without them a line cannot be keyed, placed in time or priced.
NOT_NULL: dict[str, tuple[str, ...]] = {
    LEGACY: (
        "bill_payer_account_id",
        "bill_billing_period_start_date",
        "line_item_line_item_type",
        "line_item_currency_code",
        "line_item_usage_start_date",
        "line_item_unblended_cost",
    ),
}
NOT_NULL[CUR2] = (*NOT_NULL[LEGACY], "line_item_usage_end_date")

# Which delivered type families can hold each landed type (text is parsed and checked in `values`).
TYPE_FAMILIES: dict[str, tuple[str, ...]] = {
    STRING: ("text", "integer", "number", "boolean", "timestamp", "date"),
    DOUBLE: ("number", "integer", "text"),
    TIMESTAMP: ("timestamp", "date", "text"),
}
MAP_FAMILIES: dict[str, tuple[str, ...]] = {CUR2: ("map", "text"), LEGACY: ("map",)}

BILL_TYPES = ("Anniversary", "Purchase", "Refund")
# Lines that correct or credit a charge: negative quantities and dates outside the period are theirs to have.
CORRECTION_LINE_ITEM_TYPES = (
    "Credit",
    "Refund",
    "EdpDiscount",
    "PrivateRateDiscount",
    "BundledDiscount",
    "Discount",
    "SppDiscount",
    "DistributorDiscount",
)
SAMPLE_COLUMNS = (
    "bill_payer_account_id",
    "line_item_usage_account_id",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
)


def suite_family(source_format: str) -> str:
    return CUR2 if source_format.startswith("cur2") else LEGACY


# --------------------------------------------------------------------------------------------------
# suites


def _schema(gx, family: str) -> list:
    expect = gx.expect
    landable = [(target, family_) for target, allowed in TYPE_FAMILIES.items() for family_ in allowed]
    landable += [("MAP", family_) for family_ in MAP_FAMILIES[family]]
    return [
        expect.ExpectColumnDistinctValuesToContainSet(
            column="present_column",
            value_set=list(REQUIRED[family]),
            meta=problem("required column is missing{unrecognised_note}", column_field="missing"),
            notes="Every required column is delivered (under its CUR 2.0, legacy or Athena name): "
            + ", ".join(REQUIRED[family])
            + ".",
        ),
        expect.ExpectColumnPairValuesToBeInSet(
            column_A="target_type",
            column_B="delivered_family",
            value_pairs_set=landable,
            ignore_row_if="either_value_is_missing",
            meta=problem(
                "delivered as {delivered_type}, which cannot hold a {target_type} value",
                column_field="source_column",
            ),
            notes="A delivered column's type can hold the landed type: "
            + "; ".join(f"{t} from {', '.join(f for tt, f in landable if tt == t)}" for t in dict(landable))
            + ". Text is parsed and checked in the values suite.",
        ),
        expect.ExpectColumnValuesToNotBeNull(
            column="column",
            severity="warning",
            meta=problem(
                "not a CUR column: it stays in the source file and is not landed (schema drift)",
                column_field="source_column",
            ),
            notes="Columns the CUR does not define are reported, not landed.",
        ),
    ]


def _values(gx, family: str) -> list:
    expect, column = gx.expect, gx.Column
    return [
        expect.ExpectColumnValuesToBeBetween(
            column="parse_failures",
            max_value=0,
            meta=problem(
                "{parse_failures} value(s) are not {parses_as}; first at data row "
                "{first_parse_failure_row}: {first_parse_failure_value!r}",
                column_field="source_column",
            ),
            notes="Numbers are finite numbers (no text, NaN, infinity or thousands separators), dates parse, "
            "JSON maps parse.",
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="nulls",
            max_value=0,
            row_condition=column("column").is_in(NOT_NULL[family]),
            meta=problem(
                "{nulls} row(s) have no value; first at data row {first_null_row}",
                column_field="source_column",
            ),
            notes=f"Never empty: {', '.join(NOT_NULL[family])}.",
        ),
        expect.ExpectColumnMinToBeBetween(
            column="rows",
            min_value=1,
            meta=problem("the file has a header but no data rows"),
            notes="A file holds at least one line.",
        ),
    ]


def _rows_sample(gx) -> list:
    expect = gx.expect
    return [
        expect.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="line_item_usage_end_date",
            column_B="line_item_usage_start_date",
            or_equal=True,
            meta=problem(
                "usage ends before it starts ({line_item_usage_end_date} < {line_item_usage_start_date}) at "
                "data row {_source_row_number}",
                column="line_item_usage_end_date",
            ),
            notes="Usage ends at or after it starts.",
        ),
        expect.ExpectColumnValuesToMatchRegex(
            column="bill_payer_account_id",
            regex=r"^[0-9]+$",
            severity="warning",
            meta=problem(
                "payer account id {bill_payer_account_id!r} at data row {_source_row_number} is not all digits",
                column="bill_payer_account_id",
            ),
            notes="AWS account ids are digits.",
        ),
        expect.ExpectColumnValuesToMatchRegex(
            column="line_item_usage_account_id",
            regex=r"^[0-9]+$",
            severity="warning",
            meta=problem(
                "usage account id {line_item_usage_account_id!r} at data row {_source_row_number} is not all digits",
                column="line_item_usage_account_id",
            ),
            notes="AWS account ids are digits.",
        ),
    ]


def _slices(gx) -> list:
    expect, column = gx.expect, gx.Column
    not_correction = column("line_item_type").is_not_in(CORRECTION_LINE_ITEM_TYPES) & (
        column("bill_type") != "Refund"
    )
    outside = problem(
        "{rows_outside_period} {line_item_type} row(s) have usage dates outside billing period "
        "{billing_period} ({period_start} to {period_end}); first at data row {first_row_outside_period}",
        column="line_item_usage_start_date",
    )
    return [
        expect.ExpectColumnValuesToBeInSet(
            column="line_item_type",
            value_set=list(LINE_ITEM_TYPES),
            meta=problem(
                "{rows} row(s) have line item type {line_item_type!r}, which is not a CUR line item type; "
                "first at data row {first_row}",
                column="line_item_line_item_type",
            ),
            notes=f"Line item types: {', '.join(LINE_ITEM_TYPES)}.",
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="bill_type",
            value_set=list(BILL_TYPES),
            meta=problem(
                "{rows} row(s) have bill type {bill_type!r}, which is not a CUR bill type; first at data row {first_row}",
                column="bill_bill_type",
            ),
            notes=f"Bill types: {', '.join(BILL_TYPES)}.",
        ),
        expect.ExpectColumnValuesToBeInSet(
            column="currency",
            value_set=sorted(ISO_4217_CURRENCIES),
            meta=problem(
                "{rows} row(s) have currency {currency!r}, which is not an ISO 4217 currency code; "
                "first at data row {first_row}",
                column="line_item_currency_code",
            ),
            notes="Currency codes are ISO 4217.",
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="currencies_in_account_period",
            max_value=1,
            meta=problem(
                "billing account {payer} has rows in {currencies_in_account_period} currencies in "
                "{billing_period} ({account_period_currencies}); a CUR bill is in one currency "
                "(first {currency} row at data row {first_row})",
                column="line_item_currency_code",
            ),
            notes="One billing currency per billing account and period.",
        ),
        expect.ExpectColumnValuesToBeBetween(
            column="min_usage_amount",
            min_value=0,
            row_condition=not_correction,
            meta=problem(
                "{negative_usage_rows} {line_item_type} row(s) have a negative usage amount (as low as "
                "{min_usage_amount}); only credits, refunds and discounts may; first at data row "
                "{first_negative_usage_row}",
                column="line_item_usage_amount",
            ),
            notes="Usage amounts are not negative, except on Credit, Refund and discount lines and Refund bills.",
        ),
        expect.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="min_usage_start",
            column_B="period_start",
            or_equal=True,
            row_condition=not_correction,
            meta=outside,
            notes="Usage starts inside the billing period (corrections excepted).",
        ),
        expect.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="period_end",
            column_B="max_usage_end",
            or_equal=True,
            row_condition=not_correction,
            meta=outside,
            notes="Usage ends by the end of the billing period (corrections excepted); with usage ending "
            "after it starts (rows_sample) it also starts before the period ends.",
        ),
        expect.ExpectTableRowCountToBeBetween(
            min_value=1,
            meta=problem("the delivery has no data rows"),
            notes="A delivery holds at least one line.",
        ),
    ]


register(f"{CUR2}.schema", "CUR 2.0 file: required columns present, delivered types landable.")(
    lambda gx: _schema(gx, CUR2)
)
register(f"{LEGACY}.schema", "Legacy CUR file: required columns present, delivered types landable.")(
    lambda gx: _schema(gx, LEGACY)
)
register(f"{CUR2}.values", "CUR 2.0 file: values parse, key values present, not empty.")(
    lambda gx: _values(gx, CUR2)
)
register(f"{LEGACY}.values", "Legacy CUR file: values parse, key values present, not empty.")(
    lambda gx: _values(gx, LEGACY)
)
register(f"{CUR2}.rows_sample", "CUR 2.0 file: row-level checks on a bounded sample.")(_rows_sample)
register(f"{LEGACY}.rows_sample", "Legacy CUR file: row-level checks on a bounded sample.")(_rows_sample)
register(SLICES, "CUR delivery: value sets, currencies, usage signs and dates per slice.")(_slices)


# --------------------------------------------------------------------------------------------------
# facts


def slice_facts(con: duckdb.DuckDBPyConnection, relation: str):
    """One row per file x payer x period x currency x line item type x bill type of a normalised delivery.

    One scan of the delivery groups it; the per-account currency count is then taken over the (small)
    grouped result, so nothing of the delivery is materialised.
    """
    outside = (
        "line_item_usage_start_date < bill_billing_period_start_date "
        "or line_item_usage_start_date >= coalesce(bill_billing_period_end_date, "
        "bill_billing_period_start_date + interval 1 month) "
        "or line_item_usage_end_date > coalesce(bill_billing_period_end_date, "
        "bill_billing_period_start_date + interval 1 month)"
    )
    return con.execute(
        f"""
        with slices as (
            select
                _source_file as source_file,
                bill_payer_account_id as payer,
                strftime(bill_billing_period_start_date, '%Y-%m') as billing_period,
                line_item_currency_code as currency,
                line_item_line_item_type as line_item_type,
                bill_bill_type as bill_type,
                count(*) as rows,
                min(_source_row_number) as first_row,
                min(bill_billing_period_start_date) as period_start,
                max(coalesce(bill_billing_period_end_date, bill_billing_period_start_date + interval 1 month))
                    as period_end,
                min(line_item_usage_start_date) as min_usage_start,
                max(line_item_usage_end_date) as max_usage_end,
                min(line_item_usage_amount) as min_usage_amount,
                count(*) filter (where line_item_usage_amount < 0) as negative_usage_rows,
                min(_source_row_number) filter (where line_item_usage_amount < 0) as first_negative_usage_row,
                count(*) filter (where {outside}) as rows_outside_period,
                min(_source_row_number) filter (where {outside}) as first_row_outside_period
            from {relation}
            group by all
        ),
        currencies as (
            select
                payer,
                billing_period,
                count(distinct currency) as currencies_in_account_period,
                string_agg(distinct currency, ', ' order by currency) as account_period_currencies
            from slices
            group by all
        )
        select
            slices.*,
            currencies.currencies_in_account_period,
            currencies.account_period_currencies
        from slices
        inner join currencies
            on slices.payer = currencies.payer and slices.billing_period = currencies.billing_period
        order by slices.source_file, slices.first_row
        """
    ).df()
