"""Business invariants of the AWS CUR 2.0 demo generator (the same ones the dbt models rely on)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ai_finops.generate import CUR2_COLUMNS, EXPORT_NAME, PAYER_ACCOUNT_ID, generate_aws_cur2

PERIODS = ("2026-08", "2026-09", "2026-10")
ARGS = {"seed": 7, "scale": 0.02, "months": 3, "last_period": "2026-10"}

# The CID / focus_converters amortised-cost expression (shared notes provider_exports.md section 1.5).
EFFECTIVE_COST_SQL = """
    case
        when line_item_line_item_type = 'SavingsPlanCoveredUsage'
            then savings_plan_savings_plan_effective_cost
        when line_item_line_item_type = 'SavingsPlanRecurringFee'
            then savings_plan_total_commitment_to_date - savings_plan_used_commitment
        when line_item_line_item_type = 'SavingsPlanNegation' then 0
        when line_item_line_item_type = 'SavingsPlanUpfrontFee' then 0
        when line_item_line_item_type = 'DiscountedUsage' then reservation_effective_cost
        when line_item_line_item_type = 'RIFee'
            then reservation_unused_amortized_upfront_fee_for_billing_period
                + reservation_unused_recurring_fee
        when line_item_line_item_type = 'Fee' and reservation_reservation_a_r_n <> '' then 0
        when line_item_line_item_type = 'Refund' and line_item_product_code = 'ComputeSavingsPlans' then 0
        else line_item_unblended_cost
    end
"""


def _money(column: str) -> str:
    return f"cast({column} as decimal(38, 10))"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out_dir = tmp_path_factory.mktemp("demo")
    calls: list[tuple[int, int]] = []
    summary = generate_aws_cur2(out_dir, progress=lambda done, total: calls.append((done, total)), **ARGS)
    assert calls[-1][0] == calls[-1][1] == len(PERIODS) + 2
    return out_dir, summary


@pytest.fixture(scope="module")
def cur(demo: tuple[Path, dict]) -> duckdb.DuckDBPyConnection:
    out_dir, _ = demo
    con = duckdb.connect()
    money_columns = [name for name, kind in CUR2_COLUMNS if kind == "double"]
    casts = ", ".join(f"{_money(name)} as {name}" for name in money_columns)
    for view, tree in (("cur", "cur2"), ("cur_earlier", "cur2-earlier")):
        files = f"{out_dir}/aws/{tree}/{EXPORT_NAME}/data/*/*.parquet"
        con.sql(
            f"""
            create view {view} as
            select * replace ({casts}), strftime(bill_billing_period_start_date, '%Y-%m') as billing_period
            from read_parquet('{files}')
            """
        )
    return con


def test_same_arguments_give_identical_bytes(demo: tuple[Path, dict], tmp_path: Path) -> None:
    out_dir, summary = demo
    again = generate_aws_cur2(tmp_path, **ARGS)
    assert again["files"] == summary["files"]
    for relative in summary["files"]:
        assert (out_dir / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative


def test_another_seed_gives_other_data(demo: tuple[Path, dict], tmp_path: Path) -> None:
    out_dir, summary = demo
    other = generate_aws_cur2(tmp_path, **{**ARGS, "seed": 8})
    first = summary["files"][0]
    assert (out_dir / first).read_bytes() != (tmp_path / other["files"][0]).read_bytes()


def test_layout_and_manifests(demo: tuple[Path, dict]) -> None:
    out_dir, summary = demo
    for tree, periods in (("cur2", PERIODS), ("cur2-earlier", PERIODS[-2:])):
        root = out_dir / "aws" / tree / EXPORT_NAME
        assert sorted(p.name for p in (root / "data").iterdir()) == [f"BILLING_PERIOD={p}" for p in periods]
        for period in periods:
            manifest = json.loads(
                (root / "metadata" / f"BILLING_PERIOD={period}" / f"{EXPORT_NAME}-Manifest.json").read_text()
            )
            assert manifest["exportArn"].startswith(
                f"arn:aws:bcm-data-exports:us-east-1:{PAYER_ACCOUNT_ID}:export/"
            )
            assert manifest["billingPeriod"]["start"] == f"{period}-01T00:00:00.000Z"
            assert [(c["name"], c["type"]) for c in manifest["columns"]] == list(CUR2_COLUMNS)
            keys = [uri.split("/", 3)[3] for uri in manifest["dataFiles"]]
            assert keys == [
                f"aws/{tree}/{EXPORT_NAME}/data/BILLING_PERIOD={period}/{EXPORT_NAME}-00001.snappy.parquet"
            ]
            assert all((out_dir / key).is_file() for key in keys)
    assert summary["truth_file"] == "truth/aws_cur2.json"


def test_parquet_schema(demo: tuple[Path, dict]) -> None:
    out_dir, _ = demo
    path = out_dir / f"aws/cur2/{EXPORT_NAME}/data/BILLING_PERIOD=2026-10/{EXPORT_NAME}-00001.snappy.parquet"
    schema = pq.read_schema(path)
    expected = {
        "string": pa.string(),
        "double": pa.float64(),
        "timestamp": pa.timestamp("ms", tz="UTC"),
        "map<string,string>": pa.map_(pa.string(), pa.string()),
        "map<string,double>": pa.map_(pa.string(), pa.float64()),
    }
    assert len(CUR2_COLUMNS) == 131
    assert [(f.name, f.type) for f in schema] == [(name, expected[kind]) for name, kind in CUR2_COLUMNS]


def test_every_line_item_type_every_month(cur: duckdb.DuckDBPyConnection) -> None:
    found = cur.sql(
        "select billing_period, list(distinct line_item_line_item_type) from cur group by 1"
    ).fetchall()
    recurring = {
        "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation",
        "SavingsPlanRecurringFee", "RIFee", "Fee", "Tax", "Credit", "Refund", "EdpDiscount",
    }  # fmt: skip
    by_period = {period: set(types) for period, types in found}
    assert sorted(by_period) == list(PERIODS)
    for period, types in by_period.items():
        assert recurring <= types, (period, recurring - types)
    # Purchases happen once: the Savings Plan upfront fee in its purchase month.
    assert ["SavingsPlanUpfrontFee" in by_period[p] for p in PERIODS] == [True, False, False]


def test_every_month_has_the_ai_workloads(cur: duckdb.DuckDBPyConnection) -> None:
    rows = cur.sql(
        """
        select billing_period, list(distinct line_item_usage_type), list(distinct line_item_operation),
            list(distinct capacity_reservation_capacity_reservation_status || '/'
                || capacity_reservation_capacity_reservation_type),
            count(*) filter (where line_item_unblended_cost = 0.000000001),
            count(*) filter (where line_item_net_unblended_cost is not null),
            count(*) filter (where line_item_currency_code <> 'USD' or bill_billing_entity <> 'AWS')
        from cur group by 1
        """
    ).fetchall()
    for period, usage_types, operations, capacity, tiny_charges, net_rows, odd_rows in rows:
        for expected in (
            "BoxUsage:p5.48xlarge", "BoxUsage:p4d.24xlarge", "SpotUsage:p4d.24xlarge", "BoxUsage:g5.12xlarge",
            "USW2-BoxUsage:g6.xlarge", "BoxUsage:g4dn.xlarge", "BoxUsage:inf2.xlarge", "BoxUsage:c6i.4xlarge",
            "USE1-Train:ml.p4d.24xlarge", "USE1-Host:ml.g5.xlarge", "TimedStorage-ByteHrs",
            "USE1-USW2-AWS-Out-Bytes", "DataTransfer-Regional-Bytes", "CapacityBlockFee:p5.48xlarge",
            "UnusedBox:g5.12xlarge", "USE1-EKS-EC2-vCPU-Hours", "USE1-EKS-EC2-GB-Hours",
        ):  # fmt: skip
            assert expected in usage_types, (period, expected)
        assert "EKSPod-EC2" in operations
        assert {"Used/ODCR", "Unused/ODCR", "Used/Capacity Block"} <= set(capacity), period
        assert tiny_charges == 1
        assert net_rows == 0
        assert odd_rows == 0


def test_truth_equals_sums_of_the_written_parquet(
    demo: tuple[Path, dict], cur: duckdb.DuckDBPyConnection
) -> None:
    out_dir, _ = demo
    truth = json.loads((out_dir / "truth" / "aws_cur2.json").read_text())
    recomputed = {
        (payer, period, currency): (rows, billed, effective)
        for payer, period, currency, rows, billed, effective in cur.sql(
            f"""
            select bill_payer_account_id, billing_period, line_item_currency_code, count(*),
                sum(line_item_unblended_cost), sum({EFFECTIVE_COST_SQL})
            from cur group by all
            """
        ).fetchall()
    }
    assert len(recomputed) == len(truth["totals"]) == len(PERIODS)
    for total in truth["totals"]:
        rows, billed, effective = recomputed[
            (total["bill_payer_account_id"], total["billing_period"], total["line_item_currency_code"])
        ]
        assert total["row_count"] == rows
        assert abs(Decimal(total["billed_cost"]) - billed) <= Decimal("1e-9")
        assert abs(Decimal(total["effective_cost"]) - effective) <= Decimal("1e-9")
        assert Decimal(total["billed_cost"]) != Decimal(total["effective_cost"])
    counts = dict(
        cur.sql(
            "select billing_period, map(list(line_item_line_item_type), list(n)) from ("
            "select billing_period, line_item_line_item_type, count(*) as n from cur group by all"
            ") group by 1"
        ).fetchall()
    )
    splits = dict(
        cur.sql(
            "select billing_period, count(*) from cur where line_item_operation = 'EKSPod-EC2' group by 1"
        ).fetchall()
    )
    for detail in truth["periods"]:
        assert detail["line_item_type_counts"] == counts[detail["billing_period"]]
        assert detail["split_rows"] == splits[detail["billing_period"]] > 0


def test_commitments_conserve_cost(demo: tuple[Path, dict], cur: duckdb.DuckDBPyConnection) -> None:
    rows = cur.sql(
        """
        with typed as (select *, line_item_line_item_type as kind from cur),
        ri as (
            select billing_period, reservation_reservation_a_r_n as arn,
                sum(reservation_effective_cost) filter (where kind = 'DiscountedUsage') as used,
                sum(reservation_unused_amortized_upfront_fee_for_billing_period
                    + reservation_unused_recurring_fee) filter (where kind = 'RIFee') as unused,
                sum(line_item_unblended_cost) filter (where kind = 'RIFee') as recurring,
                sum(reservation_amortized_upfront_fee_for_billing_period)
                    filter (where kind = 'RIFee') as amortized
            from typed where reservation_reservation_a_r_n is not null group by all
        ),
        sp as (
            select billing_period, savings_plan_savings_plan_a_r_n as arn,
                sum(savings_plan_savings_plan_effective_cost)
                    filter (where kind = 'SavingsPlanCoveredUsage') as used,
                sum(savings_plan_total_commitment_to_date - savings_plan_used_commitment)
                    filter (where kind = 'SavingsPlanRecurringFee') as unused,
                sum(line_item_unblended_cost) filter (where kind = 'SavingsPlanRecurringFee') as recurring,
                sum(savings_plan_amortized_upfront_commitment_for_billing_period)
                    filter (where kind = 'SavingsPlanRecurringFee') as amortized
            from typed where savings_plan_savings_plan_a_r_n is not null group by all
        )
        select * from ri where recurring is not null union all select * from sp where recurring is not null
        """
    ).fetchall()
    out_dir, _ = demo
    truth = json.loads((out_dir / "truth" / "aws_cur2.json").read_text())
    expected = {
        (d["billing_period"], c["commitment_arn"]): c for d in truth["periods"] for c in d["commitments"]
    }
    assert len(rows) == len(expected) == 2 + 2 * 3  # the second RI starts in the second month
    for period, arn, used, unused, recurring, amortized in rows:
        used = used or Decimal(0)
        assert abs((used + unused) - (recurring + amortized)) <= Decimal("1e-6")
        assert unused > 0  # under-used commitment hours exist every month
        commitment = expected[(period, arn)]
        assert Decimal(commitment["used_effective_cost"]) == used
        assert Decimal(commitment["unused_cost"]) == unused
        assert Decimal(commitment["recurring_fee_billed"]) == recurring
        assert Decimal(commitment["amortized_upfront"]) == amortized


def test_split_rows_restate_node_cost_without_billing_it(cur: duckdb.DuckDBPyConnection) -> None:
    bad = cur.sql(
        """
        select count(*) filter (where pod.line_item_unblended_cost <> 0),
            count(*) filter (
                where pod.split_line_item_split_cost is null or pod.split_line_item_unused_cost is null
                    or pod.split_line_item_split_usage_ratio is null
                    or pod.split_line_item_parent_resource_id is null
            ),
            count(*) filter (
                where pod.line_item_resource_id not like 'arn:aws:eks:us-east-1:%:pod/ml-platform-prod/%'
            ),
            count(*) filter (where parent.n is null)
        from cur as pod
        left join (
            select line_item_resource_id, line_item_usage_start_date, count(*) as n
            from cur where line_item_product_code = 'AmazonEC2' and line_item_usage_type like '%BoxUsage:%'
            group by all
        ) as parent
            on pod.split_line_item_parent_resource_id = parent.line_item_resource_id
            and pod.line_item_usage_start_date = parent.line_item_usage_start_date
        where pod.line_item_operation = 'EKSPod-EC2'
        """
    ).fetchall()[0]
    assert bad == (0, 0, 0, 0)


def test_each_negation_matches_exactly_one_covered_line(cur: duckdb.DuckDBPyConnection) -> None:
    keys = """bill_payer_account_id, line_item_usage_account_id, savings_plan_savings_plan_a_r_n,
        line_item_resource_id, line_item_usage_type, line_item_operation, line_item_usage_start_date"""
    result = cur.sql(
        f"""
        with negation as (
            select {keys}, line_item_unblended_cost as cost, row_number() over () as id
            from cur where line_item_line_item_type = 'SavingsPlanNegation'
        ),
        covered as (
            select {keys}, line_item_unblended_cost as cost
            from cur where line_item_line_item_type = 'SavingsPlanCoveredUsage'
        )
        select count(distinct negation.id), count(*),
            count(*) filter (where negation.cost + covered.cost <> 0),
            (select count(*) from negation), (select count(*) from covered)
        from negation inner join covered using ({keys})
        """
    ).fetchall()[0]
    matched, pairs, unbalanced, negations, covered = result
    assert negations == covered == matched == pairs > 0
    assert unbalanced == 0


def test_hourly_lines_and_invoices(cur: duckdb.DuckDBPyConnection) -> None:
    rows = cur.sql(
        """
        select billing_period,
            count(*) filter (
                where line_item_product_code = 'AmazonEC2' and line_item_line_item_type <> 'RIFee'
                and line_item_usage_type like '%Usage:%'
                and line_item_usage_end_date - line_item_usage_start_date <> interval 1 hour
            ),
            count(*) filter (where line_item_usage_start_date < bill_billing_period_start_date
                or line_item_usage_end_date > bill_billing_period_end_date),
            count(distinct bill_invoice_id), count(*) filter (where bill_invoice_id is null),
            count(*) filter (where line_item_usage_account_name is null),
            count(distinct line_item_usage_account_id)
        from cur group by 1 order by 1
        """
    ).fetchall()
    for period, not_hourly, outside, invoices, without_invoice, unnamed, accounts in rows:
        assert not_hourly == 0 and outside == 0 and unnamed == 0
        assert accounts == 4
        if period == PERIODS[-1]:
            assert invoices == 0  # the open month is not invoiced yet
        else:
            assert invoices >= 1 and without_invoice == 0


def test_earlier_delivery_is_restated(cur: duckdb.DuckDBPyConnection) -> None:
    rows = cur.sql(
        """
        select coalesce(final.billing_period, earlier.billing_period) as period,
            count(*) filter (where earlier.identity_line_item_id is null) as missing_earlier,
            count(*) filter (where final.identity_line_item_id is null) as only_earlier,
            count(*) filter (
                where final.line_item_unblended_cost <> earlier.line_item_unblended_cost
            ) as changed,
            count(*) filter (where earlier.bill_invoice_id is not null) as invoiced_earlier
        from cur as final
        full join cur_earlier as earlier using (identity_line_item_id)
        where coalesce(final.billing_period, earlier.billing_period) in ('2026-09', '2026-10')
        group by 1 order by 1
        """
    ).fetchall()
    assert [r[0] for r in rows] == ["2026-09", "2026-10"]
    for _, missing_earlier, only_earlier, changed, invoiced_earlier in rows:
        assert missing_earlier >= 3
        assert only_earlier == 1
        assert changed >= 5
        assert invoiced_earlier == 0


def test_resource_tags_are_normalised(cur: duckdb.DuckDBPyConnection) -> None:
    keys = {row[0] for row in cur.sql("select distinct unnest(map_keys(resource_tags)) from cur").fetchall()}
    assert {"user_team", "user_model", "user_workload", "user_environment"} <= keys
    teams = {row[0] for row in cur.sql("select distinct resource_tags['user_team'] from cur").fetchall()}
    assert {"search", "recsys", "llm-platform", "vision"} <= teams
    workloads = {
        row[0] for row in cur.sql("select distinct resource_tags['user_workload'] from cur").fetchall()
    }
    assert {"training", "inference", "preprocessing"} <= workloads
    gpu = cur.sql(
        "select distinct product['gpu_memory'], product['instance_type'] from cur "
        "where line_item_usage_type = 'BoxUsage:p5.48xlarge'"
    ).fetchall()
    assert gpu == [("640 GB", "p5.48xlarge")]
