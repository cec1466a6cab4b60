"""The bad-input corpus (issue 6, item 2): one registry of every named case, its format, the issue item it
covers, its outcome and the test that proves it.

A case is either implemented in `test_bad_input_corpus.py` (`test` names a function there) or by an older
test of one format's ingest (`test_ingest_bad_input.py`, `test_azure_ingest_bad_input.py`,
`test_gcp_ingest_bad_input.py`, `test_ingest_focus.py`), which it references instead of repeating. Every
referenced test asserts the outcome, that the message names the file (and the column) and the problem, and
that the landing zone is byte-for-byte unchanged by a refusal. `test_bad_input_corpus.py` checks that every
referenced test exists, that every issue item and every format is covered, and that `BAD_INPUT_CORPUS.md` lists
exactly these cases (regenerate it with `python tests/python/bad_input_corpus.py > tests/python/BAD_INPUT_CORPUS.md`).
"""

from __future__ import annotations

from dataclasses import dataclass

# The issue's list, in its order.
ISSUE_ITEMS: dict[str, str] = {
    "ragged": "ragged rows",
    "bom": "BOM",
    "localised_headers": "localised headers",
    "missing_or_renamed_columns": "missing or renamed columns",
    "bad_costs": "NaN / inf / non-numeric costs",
    "thousands_separators": "thousands separators",
    "wrong_date_formats": "wrong date formats",
    "timestamps_without_zone": "timestamps without a zone",
    "empty_file": "empty file",
    "header_only": "header only",
    "duplicate_files": "duplicate files",
    "three_deliveries": "one month delivered three times with restatements",
    "out_of_order": "deliveries out of order",
    "new_columns": "schema drift: new columns",
    "dropped_optional_columns": "schema drift: dropped optional columns",
    "unicode_quotes_tags": "unicode and quotes in tags",
    "large_tag_maps": "very large tag maps",
    "negative_usage": "negative usage",
    "mixed_currencies": "mixed currencies in one account",
    "manifest_missing_file": "a manifest naming a missing file",
}

# Provider-specific bad input from issue 3 ("Bad input"), kept in the same corpus.
EXTRA_ITEMS: dict[str, str] = {
    "dataset_type_unknown": "(issue 3) Azure: a file whose dataset type cannot be told",
    "legacy_export": "(issue 3) Azure: camelCase legacy (pay-as-you-go) files",
    "credits_not_json": "(issue 3) GCP: credits that are not valid JSON",
    "partial_month": "(issue 3) GCP: a file holding part of an invoice month",
    "unknown_focus_version": "(issue 3) FOCUS: a version that cannot be upgraded to 1.2",
}

FORMATS: dict[str, str] = {
    "aws-legacy-cur": "AWS legacy CUR (CSV, Athena Parquet)",
    "aws-cur2": "AWS CUR 2.0 (Parquet, CSV)",
    "azure": "Azure cost details (EA / MCA, actual / amortized)",
    "gcp": "GCP billing export (Parquet, JSON lines, flattened CSV)",
    "focus": "native FOCUS 1.0 / 1.2",
}

AWS = "test_ingest_bad_input.py"
AZURE = "test_azure_ingest_bad_input.py"
GCP = "test_gcp_ingest_bad_input.py"
FOCUS = "test_ingest_focus.py"
HERE = "test_bad_input_corpus.py"


@dataclass(frozen=True)
class Case:
    id: str
    item: str  # a key of ISSUE_ITEMS or EXTRA_ITEMS
    format: str  # a key of FORMATS
    outcome: str  # "read: ..." or "refused: ..."
    test: str  # "<file>::<function>[<parameter id>]"
    console: bool = False  # run through the `ai-finops` console script


CASES: tuple[Case, ...] = (
    # -- AWS legacy CUR / CUR 2.0 (test_ingest_bad_input.py) ----------------------------------------------
    Case("aws_ragged_row", "ragged", "aws-legacy-cur",
         "refused: ragged CSV, line and field counts named", f"{AWS}::test_ragged_row"),
    Case("aws_bom_and_unicode_tags", "bom", "aws-legacy-cur",
         "read: BOM stripped, quoted unicode tag values kept", f"{AWS}::test_bom_and_quoted_unicode_tags_are_read"),
    Case("aws_localised_headers", "localised_headers", "aws-legacy-cur",
         "refused: required column missing, localised header named",
         f"{AWS}::test_localised_headers_are_refused_naming_the_missing_column"),
    Case("aws_missing_required_column", "missing_or_renamed_columns", "aws-legacy-cur",
         "refused: required column is missing", f"{AWS}::test_missing_required_column"),
    Case("aws_renamed_column", "missing_or_renamed_columns", "aws-legacy-cur",
         "refused: required column is missing, the unknown column listed", f"{AWS}::test_renamed_column"),
    Case("aws_cur2_missing_required_column", "missing_or_renamed_columns", "aws-cur2",
         "refused: CUR 2.0 required column is missing", f"{AWS}::test_cur2_without_a_cur2_required_column"),
    Case("aws_non_numeric_cost", "bad_costs", "aws-legacy-cur",
         "refused: not a finite number, first data row and value", f"{AWS}::test_unparseable_cost[non_numeric-twelve]"),
    Case("aws_nan_cost", "bad_costs", "aws-legacy-cur",
         "refused: not a finite number", f"{AWS}::test_unparseable_cost[nan-NaN]"),
    Case("aws_infinite_cost", "bad_costs", "aws-legacy-cur",
         "refused: not a finite number", f"{AWS}::test_unparseable_cost[infinite-inf]"),
    Case("aws_thousands_separator", "thousands_separators", "aws-legacy-cur",
         "refused: '1,234.50' is not a finite number", f"{AWS}::test_unparseable_cost[thousands_separator-1,234.50]"),
    Case("aws_wrong_date_format", "wrong_date_formats", "aws-legacy-cur",
         "refused: not a date/time", f"{AWS}::test_wrong_date_format"),
    Case("aws_timestamps_without_zone", "timestamps_without_zone", "aws-legacy-cur",
         "read: as UTC", f"{AWS}::test_timestamps_without_a_zone_are_read_as_utc"),
    Case("aws_empty_file", "empty_file", "aws-legacy-cur", "refused: the file is empty", f"{AWS}::test_empty_file"),
    Case("aws_header_only", "header_only", "aws-legacy-cur",
         "refused: header but no data rows", f"{AWS}::test_header_only"),
    Case("aws_duplicate_copy_in_one_delivery", "duplicate_files", "aws-legacy-cur",
         "refused: the same bytes delivered twice", f"{AWS}::test_duplicate_copy_in_one_delivery"),
    Case("aws_same_file_named_twice", "duplicate_files", "aws-legacy-cur",
         "read: lands once", f"{AWS}::test_same_file_named_twice_lands_once"),
    Case("aws_three_deliveries_of_a_month", "three_deliveries", "aws-legacy-cur",
         "read: each replaces the last, two archived", f"{AWS}::test_one_month_delivered_three_times_with_restatements"),
    Case("aws_out_of_order_open_month", "out_of_order", "aws-legacy-cur",
         "refused: older usage than the landed delivery", f"{AWS}::test_out_of_order_delivery_of_an_open_month"),
    Case("aws_out_of_order_after_invoice", "out_of_order", "aws-legacy-cur",
         "refused: landed delivery already invoiced", f"{AWS}::test_out_of_order_delivery_after_the_invoice"),
    Case("aws_new_column", "new_columns", "aws-legacy-cur",
         "read: the new column reported as schema drift (warning)", f"{AWS}::test_schema_drift_new_column_is_read_and_reported"),
    Case("aws_cur2_dropped_optional_columns", "dropped_optional_columns", "aws-cur2",
         "read: absent optional columns land as null", f"{AWS}::test_schema_drift_dropped_optional_columns_are_read"),
    Case("aws_very_large_tag_map", "large_tag_maps", "aws-legacy-cur",
         "read: every tag kept", f"{AWS}::test_very_large_tag_map_is_read"),
    Case("aws_negative_usage", "negative_usage", "aws-legacy-cur",
         "refused: negative usage on a Usage line", f"{AWS}::test_negative_usage_is_refused"),
    Case("aws_negative_usage_on_credits", "negative_usage", "aws-legacy-cur",
         "read: credits and refunds may be negative", f"{AWS}::test_negative_usage_on_credits_and_refunds_is_read"),
    Case("aws_mixed_currencies_in_one_account", "mixed_currencies", "aws-legacy-cur",
         "refused: one billing currency per account and period", f"{AWS}::test_mixed_currencies_in_one_account"),
    Case("aws_manifest_naming_a_missing_file", "manifest_missing_file", "aws-legacy-cur",
         "refused: the manifest names a file that is not here", f"{AWS}::test_manifest_naming_a_missing_file"),
    Case("aws_console_script_refusal", "bad_costs", "aws-legacy-cur",
         "refused: exit 1, clean message on stderr", f"{AWS}::test_console_script_reports_a_refusal_without_traceback",
         console=True),
    # -- Azure (test_azure_ingest_bad_input.py and here) -------------------------------------------------------
    Case("azure_ragged_csv", "ragged", "azure", "refused: ragged CSV", f"{AZURE}::test_ragged_csv_is_refused"),
    Case("azure_bom_header_case", "bom", "azure",
         "read: BOM, header case and spacing ignored", f"{AZURE}::test_bom_and_header_case_and_spacing"),
    Case("azure_german_headers", "localised_headers", "azure",
         "read: mapped by the English name in parentheses",
         f"{AZURE}::test_german_headers_are_mapped_by_the_english_name_in_parentheses"),
    Case("azure_localised_headers_without_english", "localised_headers", "azure",
         "refused: required column missing, export with English names",
         f"{AZURE}::test_localised_headers_without_english_names_are_refused_clearly"),
    Case("azure_missing_billing_account", "missing_or_renamed_columns", "azure",
         "refused: BillingProfileId or BillingAccountId missing", f"{AZURE}::test_missing_billing_account_is_refused"),
    Case("azure_text_cost", "bad_costs", "azure", "refused: not a number",
         f"{AZURE}::test_unparseable_values_are_refused_with_file_column_and_row[text_cost-CostInBillingCurrency-zw\\xf6lf-not a number]"),
    Case("azure_nan_cost", "bad_costs", "azure", "refused: not a finite number",
         f"{AZURE}::test_unparseable_values_are_refused_with_file_column_and_row[nan_cost-CostInBillingCurrency-NaN-not a finite number]"),
    Case("azure_thousands_separator", "thousands_separators", "azure",
         "refused: '1,234.50' is not a number", f"{HERE}::test_azure_thousands_separator_is_refused"),
    Case("azure_german_date", "wrong_date_formats", "azure", "refused: not a date (M/D/YYYY or YYYY-MM-DD)",
         f"{AZURE}::test_unparseable_values_are_refused_with_file_column_and_row[german_date-Date-05.01.2026-not a date (M/D/YYYY or YYYY-MM-DD)]"),
    Case("azure_timestamps_without_zone", "timestamps_without_zone", "azure",
         "read: ISO date-times without a zone read as their date", f"{HERE}::test_azure_timestamps_without_a_zone_are_read"),
    Case("azure_empty_file", "empty_file", "azure", "refused: the file is empty",
         f"{AZURE}::test_empty_files_are_refused[empty-]"),
    Case("azure_header_only", "header_only", "azure", "refused: header but no data rows",
         f"{AZURE}::test_empty_files_are_refused[header_only-content1]"),
    Case("azure_duplicate_file_in_one_delivery", "duplicate_files", "azure",
         "refused: the same bytes delivered twice", f"{HERE}::test_azure_duplicate_file_in_one_delivery_is_refused"),
    Case("azure_three_deliveries_of_a_month", "three_deliveries", "azure",
         "read: each replaces the last, two archived", f"{HERE}::test_azure_month_delivered_three_times"),
    Case("azure_out_of_order", "out_of_order", "azure",
         "refused: older usage than the landed delivery", f"{HERE}::test_azure_out_of_order_delivery_is_refused"),
    Case("azure_new_and_dropped_columns", "new_columns", "azure",
         "read: unknown columns kept out, optional columns absent land as null",
         f"{HERE}::test_azure_schema_drift_is_read"),
    Case("azure_dropped_optional_columns", "dropped_optional_columns", "azure",
         "read: optional columns absent land as null", f"{HERE}::test_azure_schema_drift_is_read"),
    Case("azure_unicode_quotes_and_many_tags", "unicode_quotes_tags", "azure",
         "read: unicode, quotes and 300 tags kept", f"{HERE}::test_azure_unicode_quotes_and_large_tag_maps_are_read"),
    Case("azure_large_tag_map", "large_tag_maps", "azure",
         "read: 300 tags kept", f"{HERE}::test_azure_unicode_quotes_and_large_tag_maps_are_read"),
    Case("azure_dataset_type_unknown", "dataset_type_unknown", "azure",
         "refused: cannot tell actual from amortized, pass --dataset",
         f"{AZURE}::test_dataset_that_cannot_be_told_is_refused_naming_the_file"),
    Case("azure_camelcase_legacy_file", "legacy_export", "azure",
         "refused: a legacy pay-as-you-go export, named for what it is",
         f"{AZURE}::test_camelcase_legacy_file_is_refused_for_what_it_is"),
    Case("azure_incomplete_manifest_run", "manifest_missing_file", "azure",
         "refused: the manifest names a blob that is not here",
         f"{AZURE}::test_incomplete_run_is_refused_when_no_complete_run_is_left"),
    Case("azure_console_script_refusal", "bad_costs", "azure",
         "refused: exit 1, clean message on stderr", f"{HERE}::test_azure_console_script_refusal", console=True),
    # -- GCP (test_gcp_ingest_bad_input.py and here) ---------------------------------------------------------
    Case("gcp_missing_invoice_month_column", "missing_or_renamed_columns", "gcp",
         "refused: invoice.month required column is missing", f"{GCP}::test_a_missing_invoice_month_column_is_refused"),
    Case("gcp_cost_not_finite", "bad_costs", "gcp", "refused: not a finite number",
         f"{GCP}::test_money_that_is_not_a_finite_number_is_refused"),
    Case("gcp_timestamps_without_zone", "timestamps_without_zone", "gcp",
         "read: as UTC", f"{HERE}::test_gcp_timestamps_without_a_zone_are_read_as_utc"),
    Case("gcp_empty_file", "empty_file", "gcp", "refused: the file holds no rows", f"{HERE}::test_gcp_empty_file_is_refused"),
    Case("gcp_duplicate_file_in_one_delivery", "duplicate_files", "gcp",
         "refused: the same bytes delivered twice", f"{HERE}::test_gcp_duplicate_file_in_one_delivery_is_refused"),
    Case("gcp_three_extractions_of_a_month", "three_deliveries", "gcp",
         "read: each replaces the last, two archived", f"{HERE}::test_gcp_month_delivered_three_times"),
    Case("gcp_older_extraction_later", "out_of_order", "gcp",
         "refused: exported earlier than the landed extraction", f"{GCP}::test_an_older_extraction_arriving_later_is_refused"),
    Case("gcp_new_column", "new_columns", "gcp", "read: the unknown field is not landed",
         f"{HERE}::test_gcp_schema_drift_new_field_is_read"),
    Case("gcp_unicode_quotes_and_many_labels", "unicode_quotes_tags", "gcp",
         "read: unicode, quotes and 300 labels kept", f"{HERE}::test_gcp_unicode_quotes_and_large_label_maps_are_read"),
    Case("gcp_large_label_map", "large_tag_maps", "gcp",
         "read: 300 labels kept", f"{HERE}::test_gcp_unicode_quotes_and_large_label_maps_are_read"),
    Case("gcp_us_date_usage_start", "wrong_date_formats", "gcp",
         "refused: usage_start_time is not a timestamp, data row named", f"{HERE}::test_gcp_wrong_date_format_is_refused"),
    Case("gcp_credits_not_json", "credits_not_json", "gcp",
         "refused: credits are not valid JSON", f"{GCP}::test_credits_that_are_not_valid_json_are_refused"),
    Case("gcp_missing_invoice_month_values", "missing_or_renamed_columns", "gcp",
         "refused: rows without invoice.month", f"{GCP}::test_rows_without_invoice_month_are_refused"),
    Case("gcp_partial_invoice_month_cli", "partial_month", "gcp",
         "refused: holds only part of an invoice month (exit 1); lands with --allow-partial-months",
         f"{GCP}::test_cli_refuses_a_partial_month_and_lands_it_when_allowed", console=True),
    # -- native FOCUS (test_ingest_focus.py) ------------------------------------------------------------------
    Case("focus_text_cost", "bad_costs", "focus", "refused: not a plain decimal number",
         f"{FOCUS}::test_bad_native_focus_is_refused[text_cost]"),
    Case("focus_thousands_separator", "thousands_separators", "focus", "refused: '1,234.50' named",
         f"{FOCUS}::test_bad_native_focus_is_refused[thousands_separator]"),
    Case("focus_us_date", "wrong_date_formats", "focus", "refused: not ISO 8601",
         f"{FOCUS}::test_bad_native_focus_is_refused[us_date]"),
    Case("focus_empty_header_only_ragged", "empty_file", "focus",
         "refused: empty, header only, ragged, duplicate header, broken Parquet", f"{FOCUS}::test_bad_files_are_refused"),
    Case("focus_1_3_file", "unknown_focus_version", "focus", "refused: FOCUS 1.3 or later is not read here",
         f"{FOCUS}::test_bad_native_focus_is_refused[focus_1_3]"),
    Case("focus_tags_not_json", "unicode_quotes_tags", "focus", "refused: Tags not a JSON object",
         f"{FOCUS}::test_bad_native_focus_is_refused[tags_not_json]"),
)  # fmt: skip


def markdown() -> str:
    """BAD_INPUT_CORPUS.md, generated from CASES (a test asserts the file equals this)."""
    lines = [
        "# Bad-input corpus",
        "",
        "Generated from `tests/python/bad_input_corpus.py` (`python tests/python/bad_input_corpus.py`); "
        "`test_bad_input_corpus.py` fails when this file and the registry disagree.",
        "",
        "Every case asserts its outcome; a refusal names the file, the column (where there is one) and the "
        "problem, reaches the user without a traceback, is quarantined with a REASON.json, and leaves the "
        "landing zone byte-for-byte as it was (and the landed row counts and totals unchanged).",
        "",
        f"{len(CASES)} cases over {len({c.format for c in CASES})} formats, covering all "
        f"{len(ISSUE_ITEMS)} items of issue 6's list and issue 3's provider-specific bad input.",
        "",
        "| case | format | issue item | outcome | test |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        console = " (console script)" if case.console else ""
        test = case.test.replace("|", "\\|")
        item = ISSUE_ITEMS.get(case.item) or EXTRA_ITEMS[case.item]
        lines.append(f"| `{case.id}` | {case.format} | {item} | {case.outcome}{console} | `{test}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
