{#- The delivery the restatement log calls current is, for every AWS CUR payer account and period, the one
    whose lines are landed now, and no other delivery's lines are. -#}

with

landed as (

    select
        billing_account_id,
        billing_period,
        delivery_id
    from {{ ref('stg_aws__cur_line_items') }}
    group by billing_account_id, billing_period, delivery_id

),

current_deliveries as (

    select
        billing_account_id,
        billing_period,
        delivery_id
    from {{ ref('fct_billing_restatements') }}
    where provider_name = 'aws' and source_kind = 'cur' and is_current_delivery

)

select
    coalesce(landed.billing_account_id, current_deliveries.billing_account_id) as billing_account_id,
    coalesce(landed.billing_period, current_deliveries.billing_period) as billing_period,
    landed.delivery_id as landed_delivery_id,
    current_deliveries.delivery_id as current_delivery_id
from landed
full outer join current_deliveries
    on
        landed.billing_account_id = current_deliveries.billing_account_id
        and landed.billing_period = current_deliveries.billing_period
        and landed.delivery_id = current_deliveries.delivery_id
where landed.delivery_id is null or current_deliveries.delivery_id is null
