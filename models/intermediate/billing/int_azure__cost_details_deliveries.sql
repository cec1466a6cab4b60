{#- One row per landed Azure cost details delivery × dataset (actual, amortized) × billing account × billing
    period, current or superseded: its place in the period's delivery sequence, its totals priced as the FOCUS
    rows price them, and the lines it added and removed against the delivery it replaced (macro
    billing_delivery_log). -#}

{#- A table: the delivery log reads every delivered line of every delivery, current and archived; the
    restatement log, the billing periods and the tests read it, so it is computed once per build. -#}
{{ config(materialized='table') }}

{#- What a line says, whatever delivery it came in: text, times and amounts (amounts as money). The invoice
    id is left out: it only appears once the month is invoiced and changes no charge. -#}
{%- set fingerprint_parts = [] -%}
{%- for column in [
    'charge_type',
    'pricing_model',
    'frequency',
    'sub_account_id',
    'resource_id',
    'meter_id',
    'meter_name',
    'product_id',
    'benefit_id',
    'reservation_id',
    'unit_of_measure',
    'charge_period_start',
    'tags',
] -%}
    {%- do fingerprint_parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '')") -%}
    {%- do fingerprint_parts.append("'|'") -%}
{%- endfor -%}
{%- for column in ['quantity', 'cost'] -%}
    {%- do fingerprint_parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '')") -%}
    {%- if not loop.last %}{% do fingerprint_parts.append("'|'") %}{% endif -%}
{%- endfor %}

with

actual_deliveries as (

    select * from {{ ref('stg_azure__cost_details_actual_deliveries') }}

),

amortized_deliveries as (

    select * from {{ ref('stg_azure__cost_details_amortized_deliveries') }}

),

actual_lines as (

    select * from {{ ref('stg_azure__cost_details_actual_delivered_line_items') }}

),

amortized_lines as (

    select * from {{ ref('stg_azure__cost_details_amortized_delivered_line_items') }}

),

deliveries as (

    select
        'actual' as source_kind,
        delivery_id,
        billing_account_id,
        billing_period,
        loaded_at,
        manifest_id,
        data_through
    from actual_deliveries

    union all

    select
        'amortized' as source_kind,
        delivery_id,
        billing_account_id,
        billing_period,
        loaded_at,
        manifest_id,
        data_through
    from amortized_deliveries

),

delivered_lines as (

    select * from actual_lines
    union all
    select * from amortized_lines

),

-- As int_azure__focus_line_items prices them: the actual dataset bills, the amortized one spreads commitments.
-- Actual: commitment purchases and refunds bill but carry no effective cost (it is on the usage they cover).
-- Amortized: usage covered by a commitment and unused commitment rows carry effective cost but bill nothing.
lines as (

    select
        cost_dataset as source_kind,
        delivery_id,
        billing_account_id,
        billing_period,
        billing_period_start,
        billing_period_end,
        billing_currency,
        invoice_id,
        partner_name as invoice_issuer_name,
        case
            when
                cost_dataset = 'amortized'
                and pricing_model in ('Reservation', 'SavingsPlan')
                and charge_type in ('Usage', 'UnusedReservation', 'UnusedSavingsPlan')
                then 0
            else cost
        end as billed_cost,
        case
            when
                cost_dataset = 'actual'
                and pricing_model in ('Reservation', 'SavingsPlan')
                and charge_type in ('Purchase', 'Refund')
                then 0
            else cost
        end as effective_cost,
        {{ dbt.hash(dbt.concat(fingerprint_parts)) }} as line_fingerprint
    from delivered_lines

),

{{ billing_delivery_log('azure', 'deliveries', 'lines', 'Microsoft') }}

select * from delivery_log
