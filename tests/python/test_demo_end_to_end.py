"""End to end on generated CUR 2.0: earlier deliveries land first and are replaced by the restated ones; the
FOCUS dataset reconciles to the generator's truth (computed in Python decimals from the written values);
rebuilding and re-delivering change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import World, failed_nodes, load_truth

from ai_finops.generate import generate_aws_cur2
from ai_finops.ingest.runner import ingest_aws_cur

CENT = Decimal("0.01")


def focus_totals(world: World) -> dict[tuple[str, str, str], tuple[Decimal, Decimal]]:
    rows = world.query(
        "select BillingAccountId, x_billing_period, BillingCurrency, sum(BilledCost), sum(EffectiveCost) "
        "from main_marts.focus_cost_and_usage group by all"
    )
    return {(a, p, c): (Decimal(b), Decimal(e)) for a, p, c, b, e in rows}


@pytest.fixture(scope="module")
def demo(tmp_path_factory, dbt):
    world = World(tmp_path_factory.mktemp("demo"))
    exports = world.root / "exports"
    generate_aws_cur2(exports, seed=7, scale=0.05, months=3, last_period="2026-10")
    with world.active():
        earlier = ingest_aws_cur([exports / "aws" / "cur2-earlier"])
        first_build = dbt(world, "build")
        before_restatement = focus_totals(world)
        final = ingest_aws_cur([exports / "aws" / "cur2"])
    second_build = dbt(world, "build")
    return {
        "world": world,
        "exports": exports,
        "truth": load_truth(exports),
        "earlier": earlier,
        "final": final,
        "first_build": first_build,
        "second_build": second_build,
        "before_restatement": before_restatement,
    }


def test_deliveries_land_and_restatements_replace(demo):
    assert demo["earlier"].ok and demo["final"].ok
    replaced = {d.key.billing_period for d in demo["final"].landed if d.replaced}
    restated = {e["billing_period"] for e in demo["truth"]["earlier_deliveries"]}
    assert replaced == restated


def test_builds_pass_every_test(demo):
    assert demo["first_build"].success, failed_nodes(demo["first_build"])
    assert demo["second_build"].success, failed_nodes(demo["second_build"])


def test_focus_reconciles_to_generator_truth(demo):
    totals = focus_totals(demo["world"])
    truth = demo["truth"]["totals"]
    assert len(totals) == len(truth)
    for expected in truth:
        key = (
            expected["bill_payer_account_id"],
            expected["billing_period"],
            expected["line_item_currency_code"],
        )
        billed, effective = totals[key]
        assert abs(billed - Decimal(expected["billed_cost"])) <= CENT, (key, billed, expected["billed_cost"])
        assert abs(effective - Decimal(expected["effective_cost"])) <= CENT, (key, effective, expected)


def test_landed_rows_match_truth(demo):
    landed = dict(
        demo["world"].query(
            "select strftime(bill_billing_period_start_date, '%Y-%m'), count(*) from raw_aws.cur_line_items group by 1"
        )
    )
    assert landed == {t["billing_period"]: t["row_count"] for t in demo["truth"]["totals"]}


def test_restatement_changed_the_restated_months_only(demo):
    """Before the restated deliveries, the FOCUS dataset matched the earlier deliveries' bill."""
    before = demo["before_restatement"]
    earlier = {e["billing_period"]: Decimal(e["billed_cost"]) for e in demo["truth"]["earlier_deliveries"]}
    assert {key[1] for key in before} == set(earlier)
    for (_, period, _), (billed, _) in before.items():
        assert abs(billed - earlier[period]) <= CENT


def test_commitments_amortise_as_the_generator_says(demo):
    world = demo["world"]
    for period in demo["truth"]["periods"]:
        for commitment in period["commitments"]:
            used, unused = world.query(
                "select coalesce(sum(EffectiveCost) filter (where CommitmentDiscountStatus = 'Used'), 0), "
                "coalesce(sum(EffectiveCost) filter (where CommitmentDiscountStatus = 'Unused'), 0) "
                "from main_marts.focus_cost_and_usage where CommitmentDiscountId = ? and x_billing_period = ?",
                [commitment["commitment_arn"], period["billing_period"]],
            )[0]
            assert abs(Decimal(used) - Decimal(commitment["used_effective_cost"])) <= CENT
            assert abs(Decimal(unused) - Decimal(commitment["unused_cost"])) <= CENT


def test_split_rows_are_kept_aside(demo):
    world = demo["world"]
    for period in demo["truth"]["periods"]:
        kept = world.query(
            "select count(*) from main_intermediate.int_aws__cur_split_cost_line_items where billing_period = ?",
            [period["billing_period"]],
        )[0][0]
        assert kept == period["split_rows"]
    assert world.query(
        "select count(*) from main_marts.focus_cost_and_usage where x_operation = 'EKSPod-EC2'"
    ) == [(0,)]


def test_rebuild_and_redelivery_are_idempotent(demo, dbt):
    world = demo["world"]
    rows_before = world.query("select count(*) from main_marts.focus_cost_and_usage")[0][0]
    totals_before = focus_totals(world)
    result = dbt(world, "build")
    assert result.success, failed_nodes(result)
    # No new delivery: the incremental mart selects nothing, without running the view stack under it.
    assert "where 1 = 0" in _compiled_focus_mart(result)
    with world.active():
        again = ingest_aws_cur([demo["exports"] / "aws" / "cur2"])
    assert again.ok and all(d.replaced for d in again.landed)
    result = dbt(world, "build")
    assert result.success, failed_nodes(result)
    # Every re-delivered key, and only those, is selected as literals the scans can be pruned by.
    predicate = _compiled_focus_mart(result).split("where", 1)[1]
    keys = {(d.key.billing_account, d.key.billing_period) for d in again.landed}
    assert predicate.count("x_source_provider = 'aws'") == len(keys)
    for account, period in keys:
        assert f"billing_account_id = '{account}' and x_billing_period = '{period}'" in predicate
    assert world.query("select count(*) from main_marts.focus_cost_and_usage")[0][0] == rows_before
    assert focus_totals(world) == totals_before
    # The re-delivery is in the restatement log as a delivery that changed nothing.
    unchanged = world.query(
        "select billing_period, rows_added, rows_removed, billed_cost_change, effective_cost_change "
        "from main_marts.fct_billing_restatements where is_current_delivery order by billing_period"
    )
    assert [r[1:] for r in unchanged] == [(0, 0, 0, 0)] * len(demo["truth"]["totals"])


def _compiled_focus_mart(result) -> str:
    (node,) = [r.node for r in result.result.results if r.node.name == "focus_cost_and_usage"]
    return node.compiled_code


def test_billing_periods_and_restatement_log(demo):
    """Closed months carry their invoice ids, the open month has none; each restated month shows the earlier
    delivery it replaced, with Σ BilledCost before and after as the generator wrote them."""
    world, truth = demo["world"], demo["truth"]
    periods = world.query(
        "select billing_period, billing_period_status, invoice_ids is not null, delivery_count >= 1 "
        "from main_marts.dim_billing_periods order by billing_period"
    )
    last = truth["generator"]["last_period"]
    assert periods == [
        (
            t["billing_period"],
            "Open" if t["billing_period"] == last else "Closed",
            t["billing_period"] != last,
            True,
        )
        for t in sorted(truth["totals"], key=lambda t: t["billing_period"])
    ]
    earlier = {e["billing_period"]: e for e in truth["earlier_deliveries"]}
    final = {t["billing_period"]: t for t in truth["totals"]}
    log = world.query(
        "select billing_period, delivery_sequence, rows_before, rows_after, rows_added, rows_removed, "
        "billed_cost_before, billed_cost_after from main_marts.fct_billing_restatements"
    )
    for period, sequence, rows_before, rows_after, added, removed, billed_before, billed_after in log:
        assert rows_after - rows_before == added - removed
        if sequence == 1 and period in earlier:  # the earlier delivery
            assert (rows_before, rows_after) == (0, earlier[period]["row_count"])
            assert abs(Decimal(billed_after) - Decimal(earlier[period]["billed_cost"])) <= CENT
        elif sequence == 2 and period in earlier:  # the restated delivery that replaced it
            assert (rows_before, rows_after) == (earlier[period]["row_count"], final[period]["row_count"])
            assert added > 0 and removed > 0
            assert abs(Decimal(billed_before) - Decimal(earlier[period]["billed_cost"])) <= CENT
            assert abs(Decimal(billed_after) - Decimal(final[period]["billed_cost"])) <= CENT
        elif sequence == 1:  # a month delivered once, final from the start
            assert (rows_before, rows_after, added, removed) == (0, final[period]["row_count"], rows_after, 0)
        else:  # a re-delivery of the final files (test_rebuild_and_redelivery_are_idempotent)
            assert (added, removed, billed_before) == (0, 0, billed_after)
    assert {period for period, sequence, *_ in log if sequence == 2} >= set(earlier)
