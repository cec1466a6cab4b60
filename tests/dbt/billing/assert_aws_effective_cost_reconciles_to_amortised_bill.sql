{#- Σ EffectiveCost of the FOCUS dataset per payer x billing period x currency equals Σ of the amortised
    expression (provider_exports.md §1.5) over every priced CUR line: netting negations, zeroing fee rows
    and adding synthetic Unused rows must move cost between rows, never create or lose it. (Split rows
    are left out of pricing; their unblended cost is 0, which assert_aws_split_rows_bill_nothing checks.) -#}

with

amortised_bill as (

    select
        billing_account_id,
        billing_period,
        billing_currency,
        sum(raw_amortised_cost) as amortised_cost
    from {{ ref('int_aws__cur_line_items_priced') }}
    group by billing_account_id, billing_period, billing_currency

),

focus_bill as (

    select
        BillingAccountId as billing_account_id,
        x_billing_period as billing_period,
        BillingCurrency as billing_currency,
        sum(EffectiveCost) as focus_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'aws'
    group by BillingAccountId, x_billing_period, BillingCurrency

)

select
    amortised_bill.billing_account_id,
    amortised_bill.billing_period,
    amortised_bill.billing_currency,
    amortised_bill.amortised_cost,
    focus_bill.focus_effective_cost
from amortised_bill
full outer join focus_bill
    on
        amortised_bill.billing_account_id = focus_bill.billing_account_id
        and amortised_bill.billing_period = focus_bill.billing_period
        and amortised_bill.billing_currency = focus_bill.billing_currency
where
    amortised_bill.amortised_cost is null
    or focus_bill.focus_effective_cost is null
    or abs(amortised_bill.amortised_cost - focus_bill.focus_effective_cost) > {{ var('reconciliation_tolerance') }}
