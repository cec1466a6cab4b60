{#- Per GCP billing account x invoice month x currency, the FOCUS dataset reconciles to the bill, summed in
    micros on the raw side as Google's own invoice query does (|Δ| ≤ tolerance):
    - Σ BilledCost = Σ cost + Σ credits of every type, over every cost_type (regular, tax, adjustment,
      rounding_error): PROMOTION credits are Credit rows of their own, the other credits net into their row.
    - Σ EffectiveCost = the same total. Amortisation only moves fee money inside one billing account x invoice
      month: a fee row's EffectiveCost is 0, and its billed cost reappears as the used share spread over the
      covered rows plus the Unused row (assert_gcp_commitment_fees_conserve_per_hour); PROMOTION Credit rows
      count in both measures. So Σ EffectiveCost = Σ cost + Σ credits of every type, FEE_UTILIZATION_OFFSET
      included (the used part of a 2025-07-model fee is already in the discounted usage rows).
    Read from the landed source, so staging and intermediate logic are under test. -#}

with

raw_lines as (

    select
        billing_account_id,
        {{ dbt.concat(["substr(invoice.month, 1, 4)", "'-'", "substr(invoice.month, 5, 2)"]) }} as billing_period,
        currency as billing_currency,
        {{ dbt.cast('round(cost * 1000000, 0)', dbt.type_bigint()) }} as cost_micros,
        credits
    from {{ source('gcp_billing', 'gcp_billing_export_resource_v1') }}

),

raw_credits as (

    {{ gcp_unnest_credits('raw_lines', ['billing_account_id', 'billing_period', 'billing_currency']) }}

),

raw_cost as (

    select
        billing_account_id,
        billing_period,
        billing_currency,
        sum(cost_micros) as cost_micros
    from raw_lines
    group by billing_account_id, billing_period, billing_currency

),

raw_credit_totals as (

    select
        billing_account_id,
        billing_period,
        billing_currency,
        sum({{ dbt.cast('round(credit_amount * 1000000, 0)', dbt.type_bigint()) }}) as credit_micros
    from raw_credits
    group by billing_account_id, billing_period, billing_currency

),

raw_bill as (

    select
        raw_cost.billing_account_id,
        raw_cost.billing_period,
        raw_cost.billing_currency,
        raw_cost.cost_micros + coalesce(raw_credit_totals.credit_micros, 0) as raw_micros
    from raw_cost
    left join raw_credit_totals
        on
            raw_cost.billing_account_id = raw_credit_totals.billing_account_id
            and raw_cost.billing_period = raw_credit_totals.billing_period
            and raw_cost.billing_currency = raw_credit_totals.billing_currency

),

focus_bill as (

    select
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        BillingCurrency as billing_currency,
        sum(BilledCost) * 1000000 as billed_micros,
        sum(EffectiveCost) * 1000000 as effective_micros
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'gcp' and x_source_kind = 'billing_export'
    group by BillingAccountId, x_billing_period, BillingCurrency

),

compared as (

    select
        coalesce(raw_bill.billing_account_id, focus_bill.billing_account_id) as billing_account_id,
        coalesce(raw_bill.billing_period, focus_bill.billing_period) as billing_period,
        coalesce(raw_bill.billing_currency, focus_bill.billing_currency) as billing_currency,
        raw_bill.raw_micros,
        focus_bill.billed_micros,
        focus_bill.effective_micros
    from raw_bill
    full outer join focus_bill
        on
            raw_bill.billing_account_id = focus_bill.billing_account_id
            and raw_bill.billing_period = focus_bill.billing_period
            and raw_bill.billing_currency = focus_bill.billing_currency

)

select *
from compared
where
    raw_micros is null
    or billed_micros is null
    or abs(raw_micros - billed_micros) > {{ var('reconciliation_tolerance') }} * 1000000
    or abs(raw_micros - effective_micros) > {{ var('reconciliation_tolerance') }} * 1000000
