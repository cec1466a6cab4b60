{#- BigQuery: the view that lets the GCP source read Google's billing export table in place. Create it with
    `dbt run-operation create_gcp_billing_export_lineage_view` (README, "BigQuery"); this analysis renders the
    same statement for an example table so `make test` parses it with ZetaSQL. -#}
{{ gcp_billing_export_lineage_view_sql('billing-project.billing_dataset.gcp_billing_export_resource_v1_012345_6789AB_CDEF01') }}
