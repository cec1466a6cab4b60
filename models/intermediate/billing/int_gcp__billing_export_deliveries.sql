{#- One row per landed GCP billing export extraction × billing account × invoice month, current or superseded:
    its place in the month's delivery sequence, its totals (BilledCost = EffectiveCost = Σ cost + Σ credits of
    every type, as the FOCUS rows add up: PROMOTION credits become Credit rows, CUD fees are spread or left as
    Unused rows, so nothing of the month is lost or added) and the rows it added and removed against the
    extraction it replaced (macro billing_delivery_log). A month is final once the extraction was exported
    `gcp_invoice_month_close_days` (default 5) days after the month ended (US Pacific): Google issues the
    invoice in the first days of the next month and books anything later to a later invoice month. -#}

{#- A table: the delivery log reads every delivered line of every delivery, current and archived; the
    restatement log, the billing periods and the tests read it, so it is computed once per build. -#}
{{ config(materialized='table') }}

with

extractions as (

    select * from {{ ref('stg_gcp__billing_export_deliveries') }}

),

delivered_lines as (

    select * from {{ ref('stg_gcp__billing_export_delivered_line_items') }}

),

credits as (

    {{ gcp_unnest_credits('delivered_lines', ['source_line_id']) }}

),

line_credits as (

    select
        source_line_id,
        sum(credit_amount) as credit_amount
    from credits
    group by source_line_id

),

deliveries as (

    select
        'billing_export' as source_kind,
        delivery_id,
        billing_account_id,
        billing_period,
        loaded_at,
        manifest_id,
        data_through
    from extractions

),

lines as (

    select
        'billing_export' as source_kind,
        delivered_lines.delivery_id,
        delivered_lines.billing_account_id,
        delivered_lines.billing_period,
        delivered_lines.billing_period_start,
        delivered_lines.billing_period_end,
        delivered_lines.currency as billing_currency,
        {{ dbt.cast('null', dbt.type_string()) }} as invoice_id,
        {{ dbt.cast('null', dbt.type_string()) }} as invoice_issuer_name,
        delivered_lines.cost + coalesce(line_credits.credit_amount, 0) as billed_cost,
        delivered_lines.cost + coalesce(line_credits.credit_amount, 0) as effective_cost,
        {{ dbt.hash(dbt.concat([
            'delivered_lines.line_fingerprint',
            "'|'",
            "coalesce(" ~ dbt.cast('line_credits.credit_amount', dbt.type_string()) ~ ", '')",
        ])) }} as line_fingerprint
    from delivered_lines
    left join line_credits
        on delivered_lines.source_line_id = line_credits.source_line_id

),

{{ billing_delivery_log(
    'gcp',
    'deliveries',
    'lines',
    'Google Cloud',
    'sequenced.data_through >= ' ~ dbt.dateadd('day', var('gcp_invoice_month_close_days', 5), 'totals.billing_period_end'),
) }}

select * from delivery_log
