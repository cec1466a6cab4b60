"""Property-based tests (hypothesis): whatever the generator's parameters, the bill reconciles and is
conserved; whatever cell of a file is corrupted, ingest refuses naming that column and row; whatever order
deliveries arrive in, the newest stays landed.

Kept small for `make test`: few examples, no deadline, tiny scales, ingest in-process and dbt through the
session's one dbtRunner. `derandomize` makes every run try the same examples (a failing example is printed;
explore further with `pytest --hypothesis-seed=<n>` and `derandomize` off).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from conftest import World, failed_nodes, load_truth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_finops.generate import generate_aws_cur2
from ai_finops.ingest.runner import ingest_aws_cur

CENT = Decimal("0.01")
SMALL = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(SMALL, max_examples=3)
@given(
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    months=st.integers(min_value=1, max_value=2),
    last_period=st.sampled_from(["2025-12", "2026-02", "2026-07"]),
    scale=st.sampled_from([0.005, 0.02]),
)
def test_generated_bills_reconcile_and_are_conserved(tmp_path_factory, dbt, seed, months, last_period, scale):
    """Generate, land the earlier then the final deliveries, build: every dbt test passes (reconciliation to
    the raw bill, line conservation, commitment amortisation, restatement log) and the published totals,
    the landed rows and the restatement log equal the generator's truth."""
    world = World(tmp_path_factory.mktemp("property"))
    exports = world.root / "exports"
    generate_aws_cur2(exports, seed=seed, scale=scale, months=months, last_period=last_period)
    truth = load_truth(exports)
    with world.active():
        assert ingest_aws_cur([exports / "aws" / "cur2-earlier"]).ok
        assert ingest_aws_cur([exports / "aws" / "cur2"]).ok
    # Generic and unit tests do not depend on the generated data (test_demo_end_to_end runs them all).
    result = dbt(world, "build", "--exclude", "test_type:generic", "test_type:unit")
    assert result.success, failed_nodes(result)

    focus = {
        period: (Decimal(billed), Decimal(effective), rows)
        for period, billed, effective, rows in world.query(
            "select x_billing_period, sum(BilledCost), sum(EffectiveCost), count(*) "
            "from main_marts.focus_cost_and_usage group by 1"
        )
    }
    landed = dict(
        world.query(
            "select strftime(bill_billing_period_start_date, '%Y-%m'), count(*) from raw_aws.cur_line_items group by 1"
        )
    )
    log = {
        (period, sequence): (
            rows_before,
            rows_after,
            added,
            removed,
            Decimal(billed_after),
            Decimal(effective_after),
        )
        for period, sequence, rows_before, rows_after, added, removed, billed_after, effective_after in world.query(
            "select billing_period, delivery_sequence, rows_before, rows_after, rows_added, rows_removed, "
            "billed_cost_after, effective_cost_after from main_marts.fct_billing_restatements"
        )
    }
    for expected in truth["totals"]:
        period = expected["billing_period"]
        billed, effective, _ = focus[period]
        assert abs(billed - Decimal(expected["billed_cost"])) <= CENT, (period, billed, expected)
        assert abs(effective - Decimal(expected["effective_cost"])) <= CENT, (period, effective, expected)
        assert landed[period] == expected["row_count"]
        last = max(sequence for p, sequence in log if p == period)
        _, rows_after, _, _, billed_after, effective_after = log[(period, last)]
        assert rows_after == expected["row_count"]
        assert abs(billed_after - billed) <= CENT and abs(effective_after - effective) <= CENT
    for earlier in truth["earlier_deliveries"]:
        rows_before, rows_after, added, removed, billed_after, _ = log[(earlier["billing_period"], 1)]
        assert rows_before == 0 and rows_after == added == earlier["row_count"] and removed == 0
        assert abs(billed_after - Decimal(earlier["billed_cost"])) <= CENT
    for rows_before, rows_after, added, removed, _, _ in log.values():
        assert rows_after == rows_before + added - removed


# --------------------------------------------------------------------------------------------------
# ingest-level properties (no dbt)

HEADER = [
    "bill/PayerAccountId",
    "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate",
    "bill/InvoiceId",
    "lineItem/LineItemType",
    "lineItem/UsageStartDate",
    "lineItem/UsageEndDate",
    "lineItem/ProductCode",
    "lineItem/UsageAmount",
    "lineItem/CurrencyCode",
    "lineItem/UnblendedCost",
]
NUMBERS = ("lineItem/UsageAmount", "lineItem/UnblendedCost")
DATES = ("bill/BillingPeriodStartDate", "lineItem/UsageStartDate", "lineItem/UsageEndDate")


def cur_csv(path, days: list[int], invoice: str = "", cost: str = "1.00"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for day in days:
        writer.writerow(
            [
                "000111222333",
                "2026-03-01T00:00:00Z",
                "2026-04-01T00:00:00Z",
                invoice,
                "Usage",
                f"2026-03-{day:02d}T00:00:00Z",
                f"2026-03-{day:02d}T01:00:00Z",
                "AmazonEC2",
                "1",
                "USD",
                cost,
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue())
    return path


@settings(SMALL, max_examples=10)
@given(
    rows=st.integers(min_value=1, max_value=40),
    data=st.data(),
)
def test_a_corrupted_cell_is_refused_naming_its_column_and_row(tmp_path_factory, rows, data):
    position = data.draw(st.integers(min_value=0, max_value=rows - 1), label="row")
    column = data.draw(st.sampled_from(NUMBERS + DATES), label="column")
    if column in NUMBERS:
        token = data.draw(st.sampled_from(["NaN", "-inf", "1,5", "12 USD", "n/a", "1e999"]), label="token")
        problem = "not a finite number"
    else:
        token = data.draw(
            st.sampled_from(["31/03/2026", "yesterday", "2026-13-01", "2026-03-32T00:00"]), label="token"
        )
        problem = "not a date/time"
    world = World(tmp_path_factory.mktemp("corrupt"))
    path = cur_csv(world.root / "in" / "corrupt.csv", [1 + i % 28 for i in range(rows)])
    lines = path.read_text().splitlines()
    cells = lines[1 + position].split(",")
    cells[HEADER.index(column)] = f'"{token}"' if "," in token else token
    lines[1 + position] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with world.active():
        report = ingest_aws_cur([path])
    assert not report.landed and len(report.refused) == 1
    message = report.refused[0].message
    assert f"corrupt.csv: column {column!r}: 1 value(s) are {problem}" in message, message
    assert f"first at data row {position + 1}: {token!r}" in message, message
    assert world.landing_snapshot() == {}


@settings(SMALL, max_examples=6)
@given(
    deliveries=st.lists(
        st.tuples(st.booleans(), st.integers(min_value=1, max_value=28)), min_size=2, max_size=4
    ).map(lambda items: list(enumerate(items))),
    order=st.randoms(use_true_random=False),
)
def test_the_newest_delivery_stays_landed_whatever_the_arrival_order(tmp_path_factory, deliveries, order):
    """Deliveries of one month, each invoiced or not and reaching some day, arrive in any order: the landed
    one is always the newest (invoiced beats not invoiced; then the later reach; equal ones: the later
    arrival), and every delivery that was not landed was refused as out of order."""
    world = World(tmp_path_factory.mktemp("order"))
    arrival = list(deliveries)
    order.shuffle(arrival)
    current = None
    for number, (invoiced, reach) in arrival:
        path = cur_csv(
            world.root / "in" / f"d{number}" / "cur.csv",
            list(range(1, reach + 1)),
            invoice="555" if invoiced else "",
            cost=f"{number + 1}.00",
        )
        with world.active():
            report = ingest_aws_cur([path])
        newer = current is None or (
            (invoiced and not current[1]) or (invoiced == current[1] and (invoiced or reach >= current[2]))
        )
        if newer:
            assert report.ok, report.refused
            current = (number, invoiced, reach)
        else:
            assert not report.landed and "out of order" in report.refused[0].message
    number, invoiced, reach = current
    assert world.query("select count(*), min(line_item_unblended_cost) from raw_aws.cur_line_items") == [
        (reach, number + 1.0)
    ]
