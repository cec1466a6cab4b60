{#- Per payer x billing period x currency, the FOCUS dataset reconciles to the bill (|Δ| ≤ tolerance):
    - Σ BilledCost = what the raw CUR bills: every landed line counted, Tax, Credit, Refund, Fee and
      savings-plan negations included; the unblended cost, or the net unblended cost in periods without
      separate discount lines. Read from the landed source, so staging and intermediate logic are under test.
    - Σ EffectiveCost = Σ of the amortised expression (provider_exports.md §1.5) over every priced line:
      netting negations, zeroing fee rows and adding Unused rows move cost between rows, never create or
      lose it. (Split rows are not priced; assert_aws_split_rows_bill_nothing checks they bill 0.) -#}

with

raw_lines as (

    select
        bill_payer_account_id as billing_account_id,
        {{ month_key('bill_billing_period_start_date') }} as billing_period,
        line_item_currency_code as billing_currency,
        line_item_line_item_type,
        cast(line_item_unblended_cost as {{ type_money() }}) as unblended_cost,
        cast(line_item_net_unblended_cost as {{ type_money() }}) as net_unblended_cost
    from {{ source('aws_cur', 'cur_line_items') }}

),

periods as (

    select
        billing_account_id,
        billing_period,
        max(case when line_item_line_item_type in ({{ aws_discount_line_item_types() }}) then 1 else 0 end)
            as has_discount_lines
    from raw_lines
    group by billing_account_id, billing_period

),

raw_bill as (

    select
        raw_lines.billing_account_id,
        raw_lines.billing_period,
        raw_lines.billing_currency,
        sum(
            case
                when periods.has_discount_lines = 1 then raw_lines.unblended_cost
                else coalesce(raw_lines.net_unblended_cost, raw_lines.unblended_cost)
            end
        ) as raw_billed_cost
    from raw_lines
    inner join periods
        on
            raw_lines.billing_account_id = periods.billing_account_id
            and raw_lines.billing_period = periods.billing_period
    group by raw_lines.billing_account_id, raw_lines.billing_period, raw_lines.billing_currency

),

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
        sum(BilledCost) as focus_billed_cost,
        sum(EffectiveCost) as focus_effective_cost
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'aws' and x_source_kind = 'cur'
    group by BillingAccountId, x_billing_period, BillingCurrency

),

compared as (

    select
        coalesce(raw_bill.billing_account_id, focus_bill.billing_account_id) as billing_account_id,
        coalesce(raw_bill.billing_period, focus_bill.billing_period) as billing_period,
        coalesce(raw_bill.billing_currency, focus_bill.billing_currency) as billing_currency,
        raw_bill.raw_billed_cost,
        focus_bill.focus_billed_cost,
        coalesce(amortised_bill.amortised_cost, 0) as amortised_cost,
        focus_bill.focus_effective_cost
    from raw_bill
    full outer join focus_bill
        on
            raw_bill.billing_account_id = focus_bill.billing_account_id
            and raw_bill.billing_period = focus_bill.billing_period
            and raw_bill.billing_currency = focus_bill.billing_currency
    left join amortised_bill
        on
            coalesce(raw_bill.billing_account_id, focus_bill.billing_account_id) = amortised_bill.billing_account_id
            and coalesce(raw_bill.billing_period, focus_bill.billing_period) = amortised_bill.billing_period
            and coalesce(raw_bill.billing_currency, focus_bill.billing_currency) = amortised_bill.billing_currency

)

select *
from compared
where
    raw_billed_cost is null
    or focus_billed_cost is null
    or abs(raw_billed_cost - focus_billed_cost) > {{ var('reconciliation_tolerance') }}
    or abs(amortised_cost - focus_effective_cost) > {{ var('reconciliation_tolerance') }}
