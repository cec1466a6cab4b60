{#- One row per landed GCP billing export extraction × billing account × invoice month, current or superseded,
    as ingest recorded it in `_delivery.json`. No joins and no cross-row logic: the delivery sequence is
    worked out in intermediate/billing. -#}
{{ stg_billing_deliveries(source('gcp_billing', 'billing_export_deliveries')) }}
