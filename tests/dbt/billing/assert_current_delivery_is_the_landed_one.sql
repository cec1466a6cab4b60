{#- The delivery the restatement log calls current is, for every provider × source kind × billing account ×
    period, the one whose lines are landed now, and no other delivery's lines are. -#}

with

aws_lines as (

    select * from {{ ref('stg_aws__cur_line_items') }}

),

azure_actual_lines as (

    select * from {{ ref('stg_azure__cost_details_actual') }}

),

azure_amortized_lines as (

    select * from {{ ref('stg_azure__cost_details_amortized') }}

),

gcp_lines as (

    select * from {{ ref('stg_gcp__billing_export_line_items') }}

),

landed as (

    select
        'aws' as provider_name,
        'cur' as source_kind,
        billing_account_id,
        billing_period,
        delivery_id
    from aws_lines
    group by billing_account_id, billing_period, delivery_id

    union all

    select
        'azure' as provider_name,
        'actual' as source_kind,
        billing_account_id,
        billing_period,
        delivery_id
    from azure_actual_lines
    group by billing_account_id, billing_period, delivery_id

    union all

    select
        'azure' as provider_name,
        'amortized' as source_kind,
        billing_account_id,
        billing_period,
        delivery_id
    from azure_amortized_lines
    group by billing_account_id, billing_period, delivery_id

    union all

    select
        'gcp' as provider_name,
        'billing_export' as source_kind,
        billing_account_id,
        billing_period,
        delivery_id
    from gcp_lines
    group by billing_account_id, billing_period, delivery_id

),

current_deliveries as (

    select
        provider_name,
        source_kind,
        billing_account_id,
        billing_period,
        delivery_id
    from {{ ref('fct_billing_restatements') }}
    where is_current_delivery

)

select
    coalesce(landed.provider_name, current_deliveries.provider_name) as provider_name,
    coalesce(landed.source_kind, current_deliveries.source_kind) as source_kind,
    coalesce(landed.billing_account_id, current_deliveries.billing_account_id) as billing_account_id,
    coalesce(landed.billing_period, current_deliveries.billing_period) as billing_period,
    landed.delivery_id as landed_delivery_id,
    current_deliveries.delivery_id as current_delivery_id
from landed
full outer join current_deliveries
    on
        landed.provider_name = current_deliveries.provider_name
        and landed.source_kind = current_deliveries.source_kind
        and landed.billing_account_id = current_deliveries.billing_account_id
        and landed.billing_period = current_deliveries.billing_period
        and landed.delivery_id = current_deliveries.delivery_id
where landed.delivery_id is null or current_deliveries.delivery_id is null
