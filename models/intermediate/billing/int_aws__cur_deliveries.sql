{#- One row per landed AWS CUR delivery x payer account x billing period, current or superseded: its place in
    the period's delivery sequence, its totals priced with the same macros as the FOCUS rows, and the lines
    it added and removed against the delivery it replaced. -#}

with

deliveries as (

    select * from {{ ref('stg_aws__cur_deliveries') }}

),

delivered_lines as (

    select * from {{ ref('stg_aws__cur_delivered_line_items') }}

),

-- Ingest never lands an older delivery over a newer one, so landing order is delivery order.
sequenced as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        loaded_at,
        manifest_id,
        row_number() over (
            partition by billing_account_id, billing_period order by loaded_at, delivery_id
        ) as delivery_sequence,
        lag(delivery_id) over (
            partition by billing_account_id, billing_period order by loaded_at, delivery_id
        ) as previous_delivery_id,
        count(*) over (partition by billing_account_id, billing_period) as delivery_count
    from deliveries

),

-- As in int_aws__cur_line_items_priced: net columns only where the delivery's period has no discount lines.
delivery_periods as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        max(case when line_item_type in ({{ aws_discount_line_item_types() }}) then 1 else 0 end)
            as has_discount_lines
    from delivered_lines
    group by delivery_id, billing_account_id, billing_period

),

measured as (

    select
        delivered_lines.*,
        delivery_periods.has_discount_lines = 0 as uses_net_columns
    from delivered_lines
    inner join delivery_periods
        on
            delivered_lines.delivery_id = delivery_periods.delivery_id
            and delivered_lines.billing_account_id = delivery_periods.billing_account_id
            and delivered_lines.billing_period = delivery_periods.billing_period

),

totals as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        min(billing_period_start) as billing_period_start,
        max(billing_period_end) as billing_period_end,
        max(billing_currency) as billing_currency,
        coalesce(max(invoicing_entity), 'Amazon Web Services, Inc.') as invoice_issuer_name,
        count(*) as row_count,
        count(invoice_id) > 0 as is_invoiced,
        -- EKS / ECS split rows re-state their parent instance and bill nothing: left out as in the FOCUS rows
        sum(
            case
                when coalesce(measured.operation, '') not in ('EKSPod-EC2', 'ECSTask-EC2')
                    then {{ aws_billed_cost('measured') }}
                else 0
            end
        ) as billed_cost,
        sum(
            case
                when coalesce(measured.operation, '') not in ('EKSPod-EC2', 'ECSTask-EC2')
                    then {{ aws_amortised_cost('measured') }}
                else 0
            end
        ) as effective_cost
    from measured
    group by delivery_id, billing_account_id, billing_period

),

invoices as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        invoice_id
    from delivered_lines
    where invoice_id is not null
    group by delivery_id, billing_account_id, billing_period, invoice_id

),

invoice_lists as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        {{ dbt.listagg('invoice_id', "','", 'order by invoice_id') }} as invoice_ids
    from invoices
    group by delivery_id, billing_account_id, billing_period

),

-- Lines compared by content between a delivery and the one it replaced: identical lines are real charges,
-- so they are counted, never de-duplicated.
fingerprints as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        line_fingerprint,
        count(*) as line_count
    from delivered_lines
    group by delivery_id, billing_account_id, billing_period, line_fingerprint

),

this_delivery as (

    select
        sequenced.delivery_id,
        sequenced.billing_account_id,
        sequenced.billing_period,
        fingerprints.line_fingerprint,
        fingerprints.line_count
    from sequenced
    inner join fingerprints
        on
            sequenced.delivery_id = fingerprints.delivery_id
            and sequenced.billing_account_id = fingerprints.billing_account_id
            and sequenced.billing_period = fingerprints.billing_period

),

replaced_delivery as (

    select
        sequenced.delivery_id,
        sequenced.billing_account_id,
        sequenced.billing_period,
        fingerprints.line_fingerprint,
        fingerprints.line_count
    from sequenced
    inner join fingerprints
        on
            sequenced.previous_delivery_id = fingerprints.delivery_id
            and sequenced.billing_account_id = fingerprints.billing_account_id
            and sequenced.billing_period = fingerprints.billing_period

),

line_changes as (

    select
        coalesce(this_delivery.delivery_id, replaced_delivery.delivery_id) as delivery_id,
        coalesce(this_delivery.billing_account_id, replaced_delivery.billing_account_id) as billing_account_id,
        coalesce(this_delivery.billing_period, replaced_delivery.billing_period) as billing_period,
        coalesce(this_delivery.line_count, 0) - coalesce(replaced_delivery.line_count, 0) as line_count_change
    from this_delivery
    full outer join replaced_delivery
        on
            this_delivery.delivery_id = replaced_delivery.delivery_id
            and this_delivery.billing_account_id = replaced_delivery.billing_account_id
            and this_delivery.billing_period = replaced_delivery.billing_period
            and this_delivery.line_fingerprint = replaced_delivery.line_fingerprint

),

changes as (

    select
        delivery_id,
        billing_account_id,
        billing_period,
        sum(case when line_count_change > 0 then line_count_change else 0 end) as rows_added,
        sum(case when line_count_change < 0 then -line_count_change else 0 end) as rows_removed
    from line_changes
    group by delivery_id, billing_account_id, billing_period

),

joined as (

    select
        'aws' as provider_name,
        'cur' as source_kind,
        sequenced.billing_account_id,
        sequenced.billing_period,
        totals.billing_period_start,
        totals.billing_period_end,
        sequenced.delivery_id,
        sequenced.delivery_sequence,
        sequenced.previous_delivery_id,
        sequenced.delivery_sequence = sequenced.delivery_count as is_current_delivery,
        sequenced.manifest_id,
        sequenced.loaded_at,
        totals.billing_currency,
        totals.invoice_issuer_name,
        invoice_lists.invoice_ids,
        totals.is_invoiced as is_final,
        {{ dbt.cast('totals.row_count', dbt.type_bigint()) }} as row_count,
        {{ dbt.cast('changes.rows_added', dbt.type_bigint()) }} as rows_added,
        {{ dbt.cast('changes.rows_removed', dbt.type_bigint()) }} as rows_removed,
        {{ dbt.cast('totals.billed_cost', type_money()) }} as billed_cost,
        {{ dbt.cast('totals.effective_cost', type_money()) }} as effective_cost
    from sequenced
    inner join totals
        on
            sequenced.delivery_id = totals.delivery_id
            and sequenced.billing_account_id = totals.billing_account_id
            and sequenced.billing_period = totals.billing_period
    inner join changes
        on
            sequenced.delivery_id = changes.delivery_id
            and sequenced.billing_account_id = changes.billing_account_id
            and sequenced.billing_period = changes.billing_period
    left join invoice_lists
        on
            sequenced.delivery_id = invoice_lists.delivery_id
            and sequenced.billing_account_id = invoice_lists.billing_account_id
            and sequenced.billing_period = invoice_lists.billing_period

)

select * from joined
