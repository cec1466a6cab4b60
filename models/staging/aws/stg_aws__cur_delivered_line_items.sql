{#- One row per line of every landed AWS CUR delivery, current or superseded: only the columns the
    restatement log needs (the pricing macros' inputs and a content fingerprint), named as in
    stg_aws__cur_line_items. No joins and no cross-row logic. -#}

{#- What a line says, whatever delivery it came in: text, times and amounts (amounts as money, so a float
    and a decimal rendering of one amount agree). The invoice id is left out: it only appears when the
    month closes and changes no charge. -#}
{%- set fingerprint_parts = [] -%}
{%- for column in [
    'bill_bill_type',
    'line_item_usage_account_id',
    'line_item_line_item_type',
    'line_item_product_code',
    'line_item_usage_type',
    'line_item_operation',
    'line_item_resource_id',
    'line_item_availability_zone',
    'line_item_line_item_description',
    'pricing_term',
    'reservation_reservation_a_r_n',
    'savings_plan_savings_plan_a_r_n',
    'line_item_usage_start_date',
    'line_item_usage_end_date',
] -%}
    {%- do fingerprint_parts.append("coalesce(" ~ dbt.cast(column, dbt.type_string()) ~ ", '')") -%}
    {%- do fingerprint_parts.append("'|'") -%}
{%- endfor -%}
{%- for column in ['line_item_usage_amount', 'line_item_unblended_cost', 'line_item_net_unblended_cost'] -%}
    {%- do fingerprint_parts.append("coalesce(" ~ dbt.cast(to_money(column), dbt.type_string()) ~ ", '')") -%}
    {%- if not loop.last %}{% do fingerprint_parts.append("'|'") %}{% endif -%}
{%- endfor %}

with

source as (

    select * from {{ source('aws_cur', 'cur_line_items_all_deliveries') }}

),

renamed as (

    select
        _delivery_id as delivery_id,
        bill_payer_account_id as billing_account_id,
        {{ month_key('bill_billing_period_start_date') }} as billing_period,
        {{ dbt.date_trunc('month', dbt.cast('bill_billing_period_start_date', dbt.type_timestamp())) }}
            as billing_period_start,
        coalesce(
            {{ dbt.cast('bill_billing_period_end_date', dbt.type_timestamp()) }},
            {{ dbt.dateadd(
                'month', 1, dbt.date_trunc('month', dbt.cast('bill_billing_period_start_date', dbt.type_timestamp()))
            ) }}
        ) as billing_period_end,
        line_item_currency_code as billing_currency,
        bill_invoice_id as invoice_id,
        bill_invoicing_entity as invoicing_entity,
        line_item_line_item_type as line_item_type,
        line_item_product_code as product_code,
        line_item_operation as operation,

        -- the pricing macros' inputs (aws_billed_cost, aws_amortised_cost)
        {{ to_money('line_item_unblended_cost') }} as unblended_cost,
        {{ to_money('line_item_net_unblended_cost') }} as net_unblended_cost,
        reservation_reservation_a_r_n as reservation_arn,
        {{ to_money('reservation_effective_cost') }} as reservation_effective_cost,
        {{ to_money('reservation_net_effective_cost') }} as reservation_net_effective_cost,
        {{ to_money('reservation_unused_amortized_upfront_fee_for_billing_period') }}
            as reservation_unused_amortized_upfront_fee,
        {{ to_money('reservation_net_unused_amortized_upfront_fee_for_billing_period') }}
            as reservation_net_unused_amortized_upfront_fee,
        {{ to_money('reservation_unused_recurring_fee') }} as reservation_unused_recurring_fee,
        {{ to_money('reservation_net_unused_recurring_fee') }} as reservation_net_unused_recurring_fee,
        {{ to_money('savings_plan_savings_plan_effective_cost') }} as savings_plan_effective_cost,
        {{ to_money('savings_plan_net_savings_plan_effective_cost') }} as savings_plan_net_effective_cost,
        {{ to_money('savings_plan_total_commitment_to_date') }} as savings_plan_total_commitment_to_date,
        {{ to_money('savings_plan_used_commitment') }} as savings_plan_used_commitment,

        {{ dbt.hash(dbt.concat(fingerprint_parts)) }} as line_fingerprint,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at
    from source

)

select * from renamed
