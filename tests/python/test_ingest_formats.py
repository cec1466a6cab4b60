"""Every shape AWS delivers lands as the same CUR 2.0 table: CUR 2.0 Parquet, CUR 2.0 CSV / csv.gz with the
maps as JSON text, legacy CSV with `category/Name` headers and Athena-named legacy Parquet, loose or under a
legacy manifest."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import AWS_FIXTURES

from ai_finops.generate import generate_aws_cur2
from ai_finops.ingest.aws_cur import normalise_column_name
from ai_finops.ingest.runner import ingest_aws_cur

LANDED_TOTALS = (
    "select bill_payer_account_id, strftime(bill_billing_period_start_date, '%Y-%m'), count(*), "
    "sum(line_item_unblended_cost), sum(cardinality(resource_tags)), sum(cardinality(product)) "
    "from raw_aws.cur_line_items group by all order by all"
)


@pytest.fixture(scope="module")
def cur2_month(tmp_path_factory) -> Path:
    """One generated CUR 2.0 Parquet month."""
    out = tmp_path_factory.mktemp("cur2")
    generate_aws_cur2(out, seed=3, scale=0.02, months=1, last_period="2026-01")
    return next((out / "aws" / "cur2").rglob("*.parquet"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("lineItem/UnblendedCost", "line_item_unblended_cost"),
        ("reservation/ReservationARN", "reservation_reservation_a_r_n"),
        ("savingsPlan/SavingsPlanArn", "savings_plan_savings_plan_a_r_n"),
        ("pricing/publicOnDemandCost", "pricing_public_on_demand_cost"),
        ("resourceTags/user:CostCenter", "resource_tags_user_cost_center"),
        ("line_item_unblended_cost", "line_item_unblended_cost"),
        ("\ufeffidentity/LineItemId", "identity_line_item_id"),
    ],
)
def test_header_names_normalise_to_cur2(header, expected):
    assert normalise_column_name(header)[0] == expected


@pytest.mark.parametrize("compressed", [False, True])
def test_cur2_csv_with_json_maps_lands_like_parquet(world, tmp_path, cur2_month, compressed):
    with world.active():
        assert ingest_aws_cur([cur2_month]).ok
    from_parquet = world.query(LANDED_TOTALS)

    # The same rows as AWS writes them to CSV: maps as JSON text, timestamps as ISO text.
    csv_path = tmp_path / "csv" / ("cur2.csv.gz" if compressed else "cur2.csv")
    csv_path.parent.mkdir()
    with duckdb.connect() as con:
        maps = ("product", "resource_tags", "cost_category", "tags", "discount")
        columns = [f.name for f in pq.read_schema(cur2_month)]
        select = ", ".join(f"to_json({c}) as {c}" if c in maps else c for c in columns)
        plain = tmp_path / "plain.csv"
        con.execute(f"copy (select {select} from read_parquet('{cur2_month}')) to '{plain}' (header true)")
    if compressed:
        with plain.open("rb") as src, gzip.open(csv_path, "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        shutil.copy(plain, csv_path)
    with world.active():
        report = ingest_aws_cur([csv_path])
    assert report.ok, report.refused
    assert report.landed[0].replaced
    from_csv = world.query(LANDED_TOTALS)
    assert from_csv[0][:3] == from_parquet[0][:3]
    assert abs(from_csv[0][3] - from_parquet[0][3]) < 1e-6
    assert from_csv[0][4:] == from_parquet[0][4:], "maps read from JSON text differ from the Parquet maps"


def test_legacy_csv_cost_categories_fold_into_their_map(world):
    with world.active():
        assert ingest_aws_cur([AWS_FIXTURES / "cur-legacy-csv" / "koku__2023-06-01.csv"]).ok
    keys = world.query(
        "select distinct unnest(map_keys(cost_category)) from raw_aws.cur_line_items order by 1"
    )
    # Cost category names keep their spelling; categories with no value on any row leave no key.
    assert keys == [("cost_env",), ("name",), ("qe_source",)]
    currencies = world.query("select distinct line_item_currency_code from raw_aws.cur_line_items")
    assert currencies == [("NOK",)]


def test_athena_parquet_months_with_different_columns_union_by_name(world):
    folder = AWS_FIXTURES / "cur-legacy-parquet"
    widths = {p.name: len(pq.read_schema(p)) for p in folder.glob("*.parquet")}
    assert len(set(widths.values())) == 3, widths  # 124, 126 and 120 columns
    with world.active():
        report = ingest_aws_cur([folder])
    assert report.ok and len(report.landed) == 3
    tagged = world.query(
        "select strftime(bill_billing_period_start_date, '%Y-%m'), count(*) filter (where resource_tags['user_name'] "
        "is not null) > 0 from raw_aws.cur_line_items group by 1 order by 1"
    )
    assert [period for period, _ in tagged] == ["2018-10", "2018-11", "2018-12"]


def test_legacy_manifest_delivery_lands_its_report_keys(world, tmp_path):
    """A legacy delivery (period folder, assembly folder, manifest) whose manifest agrees with its rows."""
    period = tmp_path / "report" / "20231101-20231201"
    assembly = period / "assembly-1"
    assembly.mkdir(parents=True)
    source = AWS_FIXTURES / "cur-legacy-csv" / "focusconv__sample-anonymous-aws-export-dataset.csv"
    with source.open("rb") as src, gzip.open(assembly / "report-1.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    manifest = {
        "assemblyId": "assembly-1",
        "billingPeriod": {"start": "20231101T000000.000Z", "end": "20231201T000000.000Z"},
        "reportKeys": ["prefix/report/20231101-20231201/assembly-1/report-1.csv.gz"],
        "compression": "GZIP",
    }
    (period / "report-Manifest.json").write_text(json.dumps(manifest))
    (assembly / "report-Manifest.json").write_text(json.dumps(manifest))  # the copy AWS keeps per assembly
    with world.active():
        report = ingest_aws_cur([tmp_path / "report"])
    assert report.ok, report.refused
    assert [(d.key.billing_account, d.key.billing_period, d.rows) for d in report.landed] == [
        ("123412340534", "2023-11", 1281)
    ]
    delivery = json.loads(next(world.raw_root.rglob("_delivery.json")).read_text())
    assert delivery["manifest"]["assemblyId"] == "assembly-1"
    assert delivery["source_files"][0]["sha256"]
