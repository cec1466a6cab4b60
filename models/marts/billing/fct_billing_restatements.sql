{#- The restatement log: one row per provider x billing account x billing period x delivery, each delivery
    compared with the one it replaced (totals before and after, lines added and removed). -#}

with

deliveries as (

    select * from {{ ref('int_billing_deliveries_unioned') }}

),

compared as (

    select
        deliveries.provider_name,
        deliveries.source_kind,
        deliveries.billing_account_id,
        deliveries.billing_period,
        deliveries.delivery_id,
        deliveries.delivery_sequence,
        deliveries.previous_delivery_id,
        deliveries.is_current_delivery,
        deliveries.delivery_sequence > 1 as is_restatement,
        deliveries.is_final,
        deliveries.manifest_id,
        deliveries.loaded_at,
        deliveries.billing_currency,
        coalesce(previous.row_count, 0) as rows_before,
        deliveries.row_count as rows_after,
        deliveries.rows_added,
        deliveries.rows_removed,
        coalesce(previous.billed_cost, 0) as billed_cost_before,
        deliveries.billed_cost as billed_cost_after,
        deliveries.billed_cost - coalesce(previous.billed_cost, 0) as billed_cost_change,
        coalesce(previous.effective_cost, 0) as effective_cost_before,
        deliveries.effective_cost as effective_cost_after,
        deliveries.effective_cost - coalesce(previous.effective_cost, 0) as effective_cost_change
    from deliveries
    left join deliveries as previous
        on
            deliveries.provider_name = previous.provider_name
            and deliveries.source_kind = previous.source_kind
            and deliveries.billing_account_id = previous.billing_account_id
            and deliveries.billing_period = previous.billing_period
            and deliveries.previous_delivery_id = previous.delivery_id

)

select * from compared
