{#- One row per billing period × billing currency × reporting currency present in the FOCUS dataset: the
    factor that converts an amount billed in `billing_currency` in that period into `reporting_currency`,
    and the ECB publication date it comes from. The rate is the latest ECB euro reference rate published
    before the period ends (seeds/fx_rates_ecb.csv: the last rate of each month), crossed through the euro:
    rate = units of reporting currency per EUR / units of billing currency per EUR. When the seed has no rate
    inside the period (it has not been refreshed since), the latest earlier one is used and
    is_rate_before_period says so; the rate date always travels with the converted figure.
    Only marts that must show one currency join this (var reporting_currencies); nothing sums across
    BillingCurrency without it (test assert_no_mart_mixes_currencies). -#}

with

{#- The published FOCUS table, not the line-item view stack under it: the same periods and currencies at the
    cost of a scan of four columns. #}
focus_rows as (

    select * from {{ ref('focus_cost_and_usage') }}

),

ecb_published as (

    select
        cast(rate_date as timestamp) as rate_date,
        currency,
        cast(units_per_eur as {{ type_money() }}) as units_per_eur
    from {{ ref('fx_rates_ecb') }}

),

ecb_rates as (

    select * from ecb_published

    union all

    -- the euro itself, on every ECB publication date
    select
        rate_date,
        'EUR' as currency,
        cast(1 as {{ type_money() }}) as units_per_eur
    from ecb_published
    where currency = 'USD'

),

billed_periods as (

    select
        x_billing_period as billing_period,
        BillingCurrency as billing_currency,
        min(BillingPeriodStart) as billing_period_start,
        max(BillingPeriodEnd) as billing_period_end
    from focus_rows
    group by x_billing_period, BillingCurrency

),

reporting_currencies as (

    {% for currency in var('reporting_currencies') -%}
        select '{{ currency }}' as reporting_currency
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

candidates as (

    select
        billed_periods.billing_period,
        billed_periods.billing_currency,
        reporting_currencies.reporting_currency,
        billed_periods.billing_period_start,
        from_rate.rate_date,
        cast(to_rate.units_per_eur / from_rate.units_per_eur as {{ type_money() }}) as rate,
        row_number() over (
            partition by
                billed_periods.billing_period,
                billed_periods.billing_currency,
                reporting_currencies.reporting_currency
            order by from_rate.rate_date desc
        ) as recency
    from billed_periods
    cross join reporting_currencies
    inner join ecb_rates as from_rate
        on
            billed_periods.billing_currency = from_rate.currency
            and billed_periods.billing_period_end > from_rate.rate_date
    inner join ecb_rates as to_rate
        on
            reporting_currencies.reporting_currency = to_rate.currency
            and from_rate.rate_date = to_rate.rate_date

),

latest as (

    select
        billing_period,
        billing_currency,
        reporting_currency,
        rate,
        rate_date,
        rate_date < billing_period_start as is_rate_before_period,
        'ECB euro foreign exchange reference rate' as rate_source
    from candidates
    where recency = 1

)

select * from latest
