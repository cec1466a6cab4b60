{#- `dbt run-operation create_gcp_billing_export_lineage_view --target bigquery
     --args '{export_table: "billing-project.billing_dataset.gcp_billing_export_resource_v1_XXXXXX"}'`
    creates (or replaces) the view the GCP source reads on BigQuery (README, "BigQuery"). -#}
{% macro create_gcp_billing_export_lineage_view(export_table) -%}
    {%- if target.type != 'bigquery' -%}
        {{ exceptions.raise_compiler_error(
            "create_gcp_billing_export_lineage_view runs on BigQuery only; on DuckDB `ai-finops ingest gcp-billing` lands extractions"
        ) }}
    {%- endif -%}
    {%- if not export_table or export_table.count('.') != 2 -%}
        {{ exceptions.raise_compiler_error(
            "export_table must be project.dataset.table of the detailed billing export, got '" ~ export_table ~ "'"
        ) }}
    {%- endif -%}
    {%- set statement = gcp_billing_export_lineage_view_sql(export_table) -%}
    {%- do run_query(statement) -%}
    {{ log("created " ~ target.project ~ "." ~ var('raw_gcp_schema', 'raw_gcp') ~ "." ~ var('gcp_billing_export_table', 'gcp_billing_export_resource_v1') ~ " over " ~ export_table, info=true) }}
{%- endmacro %}
