{#- One row per landed Azure **amortized** cost details delivery × billing account × billing period, current or
    superseded, as ingest recorded it in `_delivery.json`. No joins and no cross-row logic: the delivery
    sequence is worked out in intermediate/billing. -#}
{{ stg_billing_deliveries(source('azure_cost', 'amortized_deliveries')) }}
