{#- One row per provider x billing account x billing period that has a landed delivery, shaped like FOCUS
    1.4's Billing Period dataset (snake_case) plus our delivery facts: open or closed, when it was first
    and last delivered, its invoices and its current totals. -#}

with

deliveries as (

    select * from {{ ref('int_billing_deliveries_unioned') }}

),

history as (

    select
        provider_name,
        source_kind,
        billing_account_id,
        billing_period,
        min(loaded_at) as billing_period_created,
        count(*) as delivery_count
    from deliveries
    group by provider_name, source_kind, billing_account_id, billing_period

),

current_deliveries as (

    select * from deliveries
    where is_current_delivery

),

periods as (

    select
        current_deliveries.provider_name,
        current_deliveries.source_kind,
        current_deliveries.billing_account_id,
        current_deliveries.billing_period,
        current_deliveries.billing_period_start,
        current_deliveries.billing_period_end,
        case when current_deliveries.is_final then 'Closed' else 'Open' end as billing_period_status,
        history.billing_period_created,
        current_deliveries.loaded_at as billing_period_last_updated,
        current_deliveries.invoice_issuer_name,
        current_deliveries.invoice_ids,
        current_deliveries.billing_currency,
        current_deliveries.delivery_id as last_delivery_id,
        {{ dbt.cast('history.delivery_count', dbt.type_bigint()) }} as delivery_count,
        current_deliveries.row_count,
        current_deliveries.billed_cost,
        current_deliveries.effective_cost
    from current_deliveries
    inner join history
        on
            current_deliveries.provider_name = history.provider_name
            and current_deliveries.source_kind = history.source_kind
            and current_deliveries.billing_account_id = history.billing_account_id
            and current_deliveries.billing_period = history.billing_period

)

select * from periods
