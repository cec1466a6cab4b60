{#- One row per landed AWS CUR delivery x payer account x billing period, current or superseded, as ingest
    recorded it in `_delivery.json`. No joins and no cross-row logic: the delivery sequence is worked out in
    intermediate/billing. -#}
{{ stg_billing_deliveries(source('aws_cur', 'cur_deliveries')) }}
