{#- One row per landed AWS CUR delivery x payer account x billing period, current or superseded: its place in
    the period's delivery sequence, its totals priced with the same macros as the FOCUS rows, and the lines
    it added and removed against the delivery it replaced (macro billing_delivery_log). -#}

{#- A table: the delivery log reads every delivered line of every delivery, current and archived; the
    restatement log, the billing periods and the tests read it, so it is computed once per build. -#}
{{ config(materialized='table') }}

with

cur_deliveries as (

    select * from {{ ref('stg_aws__cur_deliveries') }}

),

delivered_lines as (

    select * from {{ ref('stg_aws__cur_delivered_line_items') }}

),

deliveries as (

    select
        'cur' as source_kind,
        delivery_id,
        billing_account_id,
        billing_period,
        loaded_at,
        manifest_id,
        data_through
    from cur_deliveries

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

-- EKS / ECS split rows re-state their parent instance and bill nothing: left out as in the FOCUS rows
lines as (

    select
        'cur' as source_kind,
        measured.delivery_id,
        measured.billing_account_id,
        measured.billing_period,
        measured.billing_period_start,
        measured.billing_period_end,
        measured.billing_currency,
        measured.invoice_id,
        measured.invoicing_entity as invoice_issuer_name,
        case
            when coalesce(measured.operation, '') not in ('EKSPod-EC2', 'ECSTask-EC2')
                then {{ aws_billed_cost('measured') }}
            else 0
        end as billed_cost,
        case
            when coalesce(measured.operation, '') not in ('EKSPod-EC2', 'ECSTask-EC2')
                then {{ aws_amortised_cost('measured') }}
            else 0
        end as effective_cost,
        measured.line_fingerprint
    from measured

),

{{ billing_delivery_log('aws', 'deliveries', 'lines', 'Amazon Web Services, Inc.') }}

select * from delivery_log
