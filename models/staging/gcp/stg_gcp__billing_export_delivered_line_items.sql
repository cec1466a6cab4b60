{#- One row per row of every landed GCP billing export extraction, current or superseded: only the columns the
    restatement log needs (keys, money, the repeated credits and a content fingerprint), named as in
    stg_gcp__billing_export_line_items. No joins and no cross-row logic. -#}

{#- What a row says, whatever extraction it came in (credits are added to it in intermediate, once
    unnested). -#}
{%- set fingerprint_parts = [] -%}
{%- for column in [
    'cost_type',
    'service.id',
    'sku.id',
    'project.id',
    'location.region',
    'location.zone',
    'resource.name',
    'subscription.instance_id',
    'usage.unit',
    'usage_start_time',
    'usage_end_time',
    'export_time',
] -%}
    {%- do fingerprint_parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '')") -%}
    {%- do fingerprint_parts.append("'|'") -%}
{%- endfor -%}
{%- for column in ['usage.amount', 'cost'] -%}
    {%- do fingerprint_parts.append("coalesce(" ~ dbt.cast(to_money(column), dbt.type_string()) ~ ", '')") -%}
    {%- if not loop.last %}{% do fingerprint_parts.append("'|'") %}{% endif -%}
{%- endfor %}

with

source as (

    select * from {{ source('gcp_billing', 'gcp_billing_export_resource_v1_all_deliveries') }}

),

renamed as (

    select
        {{ dbt.hash(dbt.concat([
            "_delivery_id", "'|'", "_source_file", "'|'", dbt.cast("_source_row_number", dbt.type_string())
        ])) }} as source_line_id,
        _delivery_id as delivery_id,
        billing_account_id,
        invoice.month as invoice_month,
        {{ dbt.concat(["substr(invoice.month, 1, 4)", "'-'", "substr(invoice.month, 5, 2)"]) }} as billing_period,
        {{ dbt.cast(gcp_pacific_month_start(gcp_invoice_month_start('invoice.month')), dbt.type_timestamp()) }}
            as billing_period_start,
        {{ dbt.cast(
            gcp_pacific_month_start(dbt.dateadd('month', 1, gcp_invoice_month_start('invoice.month'))),
            dbt.type_timestamp()
        ) }} as billing_period_end,
        currency,
        {{ to_money('cost') }} as cost,
        credits,
        {{ dbt.hash(dbt.concat(fingerprint_parts)) }} as line_fingerprint,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
