{#- Per billing account (EA enrolment, MCA billing profile) × billing period × currency, the FOCUS dataset
    reconciles to the landed Azure exports (|Δ| ≤ tolerance), read from the sources so staging and
    intermediate logic are under test:
    - Σ BilledCost = Σ cost of the actual dataset (what the invoice charges);
    - Σ EffectiveCost = Σ cost of the amortized dataset; for a period with the actual dataset only,
      Σ EffectiveCost = Σ actual cost (x_amortization_available false);
    - a period with the amortized dataset only has no invoice to match: its Σ BilledCost must equal the
      amortized rows the rule bills (everything but commitment-covered usage and unused commitment), and
      test assert_azure_periods_have_an_actual_dataset warns about it. -#}

with

actual_bill as (

    select
        coalesce(billing_profile_id, billing_account_id) as billing_account_id,
        {{ month_key('cast(billing_period_start_date as timestamp)') }} as billing_period,
        billing_currency,
        sum(cast(cost_in_billing_currency as {{ type_money() }})) as actual_cost
    from {{ source('azure_cost', 'cost_details_actual') }}
    group by
        coalesce(billing_profile_id, billing_account_id),
        {{ month_key('cast(billing_period_start_date as timestamp)') }},
        billing_currency

),

amortized_bill as (

    select
        coalesce(billing_profile_id, billing_account_id) as billing_account_id,
        {{ month_key('cast(billing_period_start_date as timestamp)') }} as billing_period,
        billing_currency,
        sum(cast(cost_in_billing_currency as {{ type_money() }})) as amortized_cost,
        sum(
            case
                when
                    lower(coalesce(pricing_model, '')) in ('reservation', 'savingsplan')
                    and lower(charge_type) in ('usage', 'unusedreservation', 'unusedsavingsplan')
                    then 0
                else cast(cost_in_billing_currency as {{ type_money() }})
            end
        ) as amortized_billable_cost
    from {{ source('azure_cost', 'cost_details_amortized') }}
    group by
        coalesce(billing_profile_id, billing_account_id),
        {{ month_key('cast(billing_period_start_date as timestamp)') }},
        billing_currency

),

focus_bill as (

    select
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        BillingCurrency as billing_currency,
        sum(BilledCost) as focus_billed_cost,
        sum(EffectiveCost) as focus_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'azure' and x_source_kind = 'cost_details'
    group by BillingAccountId, x_billing_period, BillingCurrency

),

all_keys as (

    select
        billing_account_id,
        billing_period,
        billing_currency
    from actual_bill
    union all
    select
        billing_account_id,
        billing_period,
        billing_currency
    from amortized_bill
    union all
    select
        billing_account_id,
        billing_period,
        billing_currency
    from focus_bill

),

keys as (

    select
        billing_account_id,
        billing_period,
        billing_currency
    from all_keys
    group by billing_account_id, billing_period, billing_currency

),

compared as (

    select
        keys.billing_account_id,
        keys.billing_period,
        keys.billing_currency,
        actual_bill.actual_cost,
        amortized_bill.amortized_cost,
        coalesce(actual_bill.actual_cost, amortized_bill.amortized_billable_cost) as expected_billed_cost,
        coalesce(amortized_bill.amortized_cost, actual_bill.actual_cost) as expected_effective_cost,
        focus_bill.focus_billed_cost,
        focus_bill.focus_effective_cost
    from keys
    left join actual_bill
        on
            keys.billing_account_id = actual_bill.billing_account_id
            and keys.billing_period = actual_bill.billing_period
            and keys.billing_currency = actual_bill.billing_currency
    left join amortized_bill
        on
            keys.billing_account_id = amortized_bill.billing_account_id
            and keys.billing_period = amortized_bill.billing_period
            and keys.billing_currency = amortized_bill.billing_currency
    left join focus_bill
        on
            keys.billing_account_id = focus_bill.billing_account_id
            and keys.billing_period = focus_bill.billing_period
            and keys.billing_currency = focus_bill.billing_currency

)

select *
from compared
where
    focus_billed_cost is null
    or expected_billed_cost is null
    or abs(expected_billed_cost - focus_billed_cost) > {{ var('reconciliation_tolerance') }}
    or abs(expected_effective_cost - focus_effective_cost) > {{ var('reconciliation_tolerance') }}
