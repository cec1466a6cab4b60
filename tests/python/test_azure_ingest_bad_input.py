"""Bad Azure input at the boundary: each file is read correctly or refused with a message naming the file,
the column and the problem; a refused file is quarantined and nothing already landed changes."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import AZURE_FIXTURES

from ai_finops.ingest.runner import ingest_azure_cost

HEADER = [
    "BillingAccountId",
    "BillingAccountName",
    "BillingProfileId",
    "BillingPeriodStartDate",
    "BillingPeriodEndDate",
    "SubscriptionId",
    "Date",
    "MeterCategory",
    "MeterName",
    "UnitOfMeasure",
    "Quantity",
    "CostInBillingCurrency",
    "BillingCurrencyCode",
    "ChargeType",
    "PricingModel",
    "ConsumedService",
    "ResourceId",
    "Tags",
]


def row(
    cost: str = "2.50", day: str = "01/05/2026", tags: str = '"team": "search"', **overrides: str
) -> list[str]:
    values = {
        "BillingAccountId": "87654321",
        "BillingAccountName": "Fabrikam",
        "BillingProfileId": "87654321",
        "BillingPeriodStartDate": "01/01/2026",
        "BillingPeriodEndDate": "01/31/2026",
        "SubscriptionId": "11111111-2222-3333-4444-555555555555",
        "Date": day,
        "MeterCategory": "Virtual Machines",
        "MeterName": "NC24ads A100 v4",
        "UnitOfMeasure": "1 Hour",
        "Quantity": "1",
        "CostInBillingCurrency": cost,
        "BillingCurrencyCode": "USD",
        "ChargeType": "Usage",
        "PricingModel": "OnDemand",
        "ConsumedService": "Microsoft.Compute",
        "ResourceId": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/"
        "Microsoft.Compute/virtualMachines/vm-1",
        "Tags": tags,
        **overrides,
    }
    return [values[h] for h in HEADER]


def write_csv(
    path: Path, rows: list[list[str]], header: list[str] = HEADER, prefix: str = "", tail: str = ""
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(prefix + buffer.getvalue() + tail, encoding="utf-8")
    return path


@pytest.fixture
def landed(world, tmp_path):
    """A world that already holds one good delivery, so every refusal can prove nothing changed."""
    good = write_csv(tmp_path / "inputs" / "good" / "usage-actual.csv", [row("4.00", day="12/03/2025",
                     BillingPeriodStartDate="12/01/2025", BillingPeriodEndDate="12/31/2025")])  # fmt: skip
    with world.active():
        report = ingest_azure_cost([good])
    assert report.ok, report.refused
    return world


def refuse(world, path: Path, *needles: str, dataset: str | None = None) -> str:
    before = world.landing_snapshot()
    with world.active():
        report = ingest_azure_cost([path], dataset=dataset)
    assert not report.landed, f"{path.name} should have been refused"
    assert len(report.refused) == 1
    message = report.refused[0].message
    assert path.name in message, message
    for needle in needles:
        assert needle in message, message
    assert world.landing_snapshot() == before, "a refused file changed what had landed"
    quarantined = report.refused[0].quarantined_to
    if quarantined is not None:
        reason = json.loads((quarantined / "REASON.json").read_text())
        assert reason["reason"] == message
    return message


def land(world, *paths: Path, dataset: str | None = None):
    with world.active():
        report = ingest_azure_cost(list(paths), dataset=dataset)
    assert report.ok, report.refused
    return report


# -- dataset type ----------------------------------------------------------------------------------------------


def test_dataset_that_cannot_be_told_is_refused_naming_the_file(landed, tmp_path):
    path = write_csv(tmp_path / "bad" / "costs-january.csv", [row()])
    refuse(landed, path, "cannot tell whether this is the actual or the amortized", "--dataset")


def test_dataset_from_the_option_when_the_name_does_not_tell(landed, tmp_path):
    report = land(landed, write_csv(tmp_path / "ok" / "costs-january.csv", [row()]), dataset="amortized")
    assert [d.key.source_kind for d in report.landed] == ["amortized"]


def test_file_name_and_option_that_disagree_are_refused(landed, tmp_path):
    path = write_csv(tmp_path / "bad" / "january-amortized.csv", [row()])
    refuse(landed, path, "the file name says amortized but --dataset says actual", dataset="actual")


def test_manifest_type_wins_and_must_agree_with_the_option(landed, tmp_path):
    data = write_csv(tmp_path / "run" / "part_0_0001.csv", [row()])
    manifest = tmp_path / "run" / "manifest.json"
    content = {
        "exportConfig": {"type": "AmortizedCost", "resourceId": "/x", "dataVersion": "2024-08-01"},
        "runInfo": {
            "startDate": "2026-01-01T00:00:00",
            "submittedTime": "2026-02-05T06:00:00Z",
            "runId": "r1",
        },
        "blobs": [{"blobName": f"cost/run/{data.name}", "byteCount": data.stat().st_size}],
    }
    manifest.write_text(json.dumps(content))
    refuse(
        landed,
        manifest,
        "the manifest says AmortizedCost (amortized) but --dataset says actual",
        dataset="actual",
    )
    report = land(landed, manifest)
    assert [d.key.source_kind for d in report.landed] == ["amortized"]


def test_focus_export_manifest_is_refused_with_a_pointer(landed, tmp_path):
    data = write_csv(tmp_path / "focus" / "part_0_0001.csv", [row()])
    manifest = tmp_path / "focus" / "manifest.json"
    manifest.write_text(
        json.dumps({"exportConfig": {"type": "FocusCost"}, "blobs": [{"blobName": data.name}]})
    )
    refuse(landed, manifest, "'exportConfig.type'", "FOCUS export", "ai-finops ingest focus")


# -- headers and encodings -------------------------------------------------------------------------------------


def test_bom_and_header_case_and_spacing(landed, tmp_path):
    header = [h.lower() if i % 2 else f" {h.upper()} " for i, h in enumerate(HEADER)]
    path = write_csv(tmp_path / "ok" / "bom-actual.csv", [row("3.75")], header=header, prefix="\ufeff")
    land(landed, path)
    cost, tags = landed.query(
        "select cost_in_billing_currency, tags from raw_azure.cost_details_actual "
        "where strftime(billing_period_start_date, '%Y-%m') = '2026-01'"
    )[0]
    assert cost == 3.75 and tags == {"team": "search"}


def test_german_headers_are_mapped_by_the_english_name_in_parentheses(landed, tmp_path):
    german = {
        "BillingAccountId": "Abrechnungskonto-ID (BillingAccountId)",
        "BillingPeriodStartDate": "Beginn des Abrechnungszeitraums (BillingPeriodStartDate)",
        "Date": "Datum (Date)",
        "Quantity": "Menge (Quantity)",
        "CostInBillingCurrency": "Kosten in Abrechnungswährung (CostInBillingCurrency)",
        "BillingCurrencyCode": "Abrechnungswährung (BillingCurrencyCode)",
        "ChargeType": "Gebührentyp (ChargeType)",
    }
    path = write_csv(
        tmp_path / "ok" / "kosten-actual.csv", [row("5.25")], header=[german.get(h, h) for h in HEADER]
    )
    land(landed, path)
    assert landed.query(
        "select cost_in_billing_currency, charge_type from raw_azure.cost_details_actual "
        "where strftime(billing_period_start_date, '%Y-%m') = '2026-01'"
    ) == [(5.25, "Usage")]


def test_localised_headers_without_english_names_are_refused_clearly(landed, tmp_path):
    header = ["Kosten in Abrechnungswährung" if h == "CostInBillingCurrency" else h for h in HEADER]
    path = write_csv(tmp_path / "bad" / "kosten-actual.csv", [row()], header=header)
    refuse(landed, path, "'CostInBillingCurrency': required column is missing", "localised names", "English")


def test_camelcase_mca_csv_with_braced_tags_and_iso_dates(landed, tmp_path):
    header = [h[0].lower() + h[1:] for h in HEADER]
    header[header.index("billingCurrencyCode")] = "billingCurrency"
    header[header.index("billingProfileId")] = "billingProfileId"
    mca = row("9.10", day="2026-01-07", tags='{"team": "vision", "gpus": 8}', BillingProfileId="AB12-CD34-EF5-GH6",
              BillingAccountId="a:b_2019-05-31", BillingPeriodStartDate="2026-01-01",
              BillingPeriodEndDate="2026-01-31")  # fmt: skip
    report = land(landed, write_csv(tmp_path / "ok" / "mca-actual.csv", [mca], header=header))
    assert [d.key.billing_account for d in report.landed] == ["AB12-CD34-EF5-GH6"]
    tags, source_format = landed.query(
        "select tags, _source_format from raw_azure.cost_details_actual where billing_profile_id = 'AB12-CD34-EF5-GH6'"
    )[0]
    assert tags == {"team": "vision", "gpus": "8"} and source_format == "azure-mca-csv"


def test_camelcase_legacy_file_is_refused_for_what_it_is(landed):
    path = AZURE_FIXTURES / "legacy-payg" / "koku__azure_camelCased.csv"
    refuse(landed, path, "legacy pay-as-you-go usage export", "'subscriptionGuid'", "'preTaxCost'")


def test_gzip_csv_lands(landed, tmp_path):
    import gzip

    plain = write_csv(tmp_path / "src" / "x.csv", [row("1.25")])
    packed = tmp_path / "ok" / "part-actual.csv.gz"
    packed.parent.mkdir(parents=True)
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    land(landed, packed)


# -- rows and values -------------------------------------------------------------------------------------------


def test_empty_rows_are_skipped_and_counted(landed, tmp_path):
    path = write_csv(tmp_path / "ok" / "trailing-actual.csv", [row("1.00"), row("2.00")], tail=",,,,\n" * 0)
    path.write_text(path.read_text() + "," * (len(HEADER) - 1) + "\n\n" + "," * (len(HEADER) - 1) + "\n")
    report = land(landed, path)
    assert report.landed[0].rows == 2
    facts = json.loads((report.landed[0].folder / "_delivery.json").read_text())["source_files"][0]
    assert facts["empty_rows_skipped"] == 2


def test_row_empty_but_for_its_date_is_refused(landed, tmp_path):
    blank = ["" for _ in HEADER]
    blank[HEADER.index("Date")] = "01/06/2026"
    path = write_csv(tmp_path / "bad" / "blank-actual.csv", [row(), blank])
    refuse(landed, path, "row(s) have no value; first at data row 2")


@pytest.mark.parametrize(
    ("case", "column", "value", "problem"),
    [
        ("decimal_comma", "CostInBillingCurrency", "1,5", "not a number"),
        ("text_cost", "CostInBillingCurrency", "zwölf", "not a number"),
        ("nan_cost", "CostInBillingCurrency", "NaN", "not a finite number"),
        ("german_date", "Date", "05.01.2026", "not a date (M/D/YYYY or YYYY-MM-DD)"),
        ("day_first_date", "Date", "31/01/2026", "not a date (M/D/YYYY or YYYY-MM-DD)"),
        ("two_digit_year", "Date", "1/5/26", "not a date (M/D/YYYY or YYYY-MM-DD)"),
        ("broken_tags", "Tags", '"team": "search', "not a JSON object"),
        ("currency_name", "BillingCurrencyCode", "Euro", "not an ISO 4217 currency code"),
    ],
)
def test_unparseable_values_are_refused_with_file_column_and_row(
    landed, tmp_path, case, column, value, problem
):
    path = write_csv(tmp_path / "bad" / f"{case}-actual.csv", [row(), row(**{column: value})])
    message = refuse(landed, path, f"'{column}'", problem)
    assert "data row 2" in message and repr(value) in message


def test_missing_billing_account_is_refused(landed, tmp_path):
    header = [h for h in HEADER if h not in ("BillingAccountId", "BillingProfileId")]
    data = [[v for h, v in zip(HEADER, row(), strict=True) if h in header]]
    refuse(landed, write_csv(tmp_path / "bad" / "noaccount-actual.csv", data, header=header),
           "'BillingProfileId or BillingAccountId': required column is missing")  # fmt: skip


def test_ragged_csv_is_refused(landed, tmp_path):
    path = write_csv(tmp_path / "bad" / "ragged-actual.csv", [row()])
    path.write_text(path.read_text() + ",".join(row()[:-2]) + "\n")
    refuse(landed, path, "ragged CSV")


@pytest.mark.parametrize(("case", "content"), [("empty", ""), ("header_only", ",".join(HEADER) + "\n")])
def test_empty_files_are_refused(landed, tmp_path, case, content):
    path = tmp_path / "bad" / f"{case}-actual.csv"
    path.parent.mkdir(parents=True)
    path.write_text(content)
    refuse(landed, path, "empty" if case == "empty" else "no data rows")


def test_one_bad_file_refuses_its_whole_folder(landed, tmp_path):
    write_csv(tmp_path / "month" / "part1-actual.csv", [row("1.00")])
    write_csv(tmp_path / "month" / "part2-actual.csv", [row("twelve")])
    before = landed.landing_snapshot()
    with landed.active():
        report = ingest_azure_cost([tmp_path / "month"])
    assert not report.landed and "part2-actual.csv" in report.refused[0].message
    assert landed.landing_snapshot() == before


# -- manifests and runs ----------------------------------------------------------------------------------------


def make_run(
    root: Path, submitted: str, cost: str, rows_claimed: int | None = None, blob_present: bool = True
) -> Path:
    folder = root / "export" / "20260101-20260131" / submitted.replace("-", "").replace(":", "")[:12] / "guid"
    data = write_csv(folder / "part_0_0001.csv", [row(cost)])
    blob = {"blobName": f"c/export/{data.name}", "byteCount": data.stat().st_size}
    if rows_claimed is not None:
        blob["dataRowCount"] = rows_claimed
    if not blob_present:
        data.unlink()
    manifest = {
        "exportConfig": {
            "exportName": "export",
            "type": "ActualCost",
            "resourceId": "/scope",
            "dataVersion": "2024-08-01",
        },
        "runInfo": {"startDate": "2026-01-01T00:00:00", "submittedTime": submitted, "runId": submitted},
        "blobs": [blob],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder / "manifest.json"


def test_latest_complete_run_of_a_month_wins(landed, tmp_path):
    make_run(tmp_path / "exports", "2026-01-16T02:00:00Z", "1.00")
    make_run(tmp_path / "exports", "2026-02-05T06:00:00Z", "7.00")
    make_run(tmp_path / "exports", "2026-02-06T06:00:00Z", "9.00", blob_present=False)  # still being written
    report = land(landed, tmp_path / "exports")
    assert len(report.landed) == 1
    assert landed.query(
        "select sum(cost_in_billing_currency) from raw_azure.cost_details_actual "
        "where strftime(billing_period_start_date, '%Y-%m') = '2026-01'"
    ) == [(7.0,)]


def test_incomplete_run_is_refused_when_no_complete_run_is_left(landed, tmp_path):
    manifest = make_run(tmp_path / "exports", "2026-02-06T06:00:00Z", "9.00", blob_present=False)
    refuse(landed, manifest, "'blobs'", "the export run is incomplete")


def test_row_count_that_disagrees_with_the_manifest_is_refused(landed, tmp_path):
    manifest = make_run(tmp_path / "exports", "2026-02-05T06:00:00Z", "7.00", rows_claimed=3)
    refuse(landed, manifest, "'dataRowCount'", "says 3 data rows but the file holds 1")


def test_manifest_period_must_match_the_rows(landed, tmp_path):
    manifest = make_run(tmp_path / "exports", "2026-02-05T06:00:00Z", "7.00")
    content = json.loads(manifest.read_text())
    content["runInfo"]["startDate"] = "2026-02-01T00:00:00"
    manifest.write_text(json.dumps(content))
    refuse(
        landed, manifest, "the manifest says billing period 2026-02", "billing_period_start_date says 2026-01"
    )


def test_unreadable_manifest_is_refused(landed, tmp_path):
    path = tmp_path / "bad" / "manifest.json"
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    refuse(landed, path, "manifest is not readable JSON")


def test_redelivery_replaces_and_earlier_months_stay(landed, tmp_path):
    first = land(landed, write_csv(tmp_path / "a" / "jan-actual.csv", [row("1.00")]))
    second = land(landed, write_csv(tmp_path / "b" / "jan-actual.csv", [row("2.00"), row("3.00")]))
    assert not first.landed[0].replaced and second.landed[0].replaced
    totals = dict(
        landed.query(
            "select strftime(billing_period_start_date, '%Y-%m'), sum(cost_in_billing_currency) "
            "from raw_azure.cost_details_actual group by 1"
        )
    )
    assert totals == {"2025-12": 4.0, "2026-01": 5.0}


def test_copied_fixture_is_unchanged_by_a_refusal(landed, tmp_path):
    source = AZURE_FIXTURES / "ea" / "koku__azure_version_2.csv"
    copy = tmp_path / "bad" / source.name
    copy.parent.mkdir(parents=True)
    shutil.copy(source, copy)
    refuse(landed, copy, "'BillingCurrencyCode'", "'MC'", dataset="actual")
    assert copy.read_bytes() == source.read_bytes()
