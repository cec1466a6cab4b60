"""The legacy Athena-named CUR written from the generated CUR 2.0 (what focus-converter reads in `make bench`)."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from ai_finops.generate import generate_aws_cur2
from ai_finops.generate.aws_cur_legacy import write_athena_legacy_cur


def test_legacy_cur_has_the_rows_and_flattened_columns(tmp_path):
    generate_aws_cur2(tmp_path / "demo", scale=0.05, months=2, last_period="2026-10")
    export = tmp_path / "demo" / "aws" / "cur2" / "ai-finops-cur2"

    summary = write_athena_legacy_cur(export, tmp_path / "legacy")

    assert [p.rsplit("/", 1)[-1] for p in summary["files"]] == ["2026-09.parquet", "2026-10.parquet"]
    con = duckdb.connect()
    source_rows, source_cost = con.execute(
        f"select count(*), sum(cast(line_item_unblended_cost as decimal(38, 10))) from read_parquet('{export}/data/*/*.parquet')"
    ).fetchone()
    rows, cost = con.execute(
        f"select count(*), sum(cast(line_item_unblended_cost as decimal(38, 10))) from read_parquet('{tmp_path}/legacy/*.parquet')"
    ).fetchone()
    assert (rows, cost) == (source_rows, source_cost) == (summary["rows"], source_cost)
    names = pq.read_schema(summary["files"][0]).names
    assert not {"product", "resource_tags", "tags", "cost_category", "discount"} & set(names)
    # Product attributes and tags become columns; the four columns focus-converter requires are there.
    assert {"product_product_name", "product_region", "resource_tags_user_team"} <= set(names)
    assert {
        "bill_invoicing_entity",
        "pricing_rate_code",
        "product_region_code",
        "savings_plan_savings_plan_effective_cost",
    } <= set(names)
    # Every file has the same columns, so the folder reads as one dataset.
    assert all(pq.read_schema(f).names == names for f in summary["files"])
