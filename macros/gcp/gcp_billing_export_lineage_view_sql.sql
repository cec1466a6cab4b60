{#- BigQuery only: the statement that puts a view with the landing zone's lineage columns in front of Google's
    own detailed billing export table, so the GCP source reads the export in place (no file ingest).
    One "delivery" is one billing account x invoice month as of its latest export_time: when Google appends
    rows to a month (late usage, corrections), the month's delivery id changes and the incremental FOCUS mart
    replaces that month. Row numbers must be the same in every query that reads the view (staging joins
    credits back to their row by x_source_line_id), so the order is total over every column staging reads;
    rows equal in all of them are interchangeable. (Not TO_JSON_STRING of the whole row: the emulator CI
    builds on cannot print byte-second usage amounts beyond 2^53.) -#}
{% macro gcp_billing_export_lineage_view_sql(export_table) -%}
create or replace view `{{ target.project }}`.`{{ var('raw_gcp_schema', 'raw_gcp') }}`.`{{ var('gcp_billing_export_table', 'gcp_billing_export_resource_v1') }}` as
select
    export_rows.*,
    concat(
        'bigquery-export/', export_rows.billing_account_id, '/', export_rows.invoice.month, '@',
        format_timestamp(
            '%Y-%m-%dT%H:%M:%E6SZ',
            max(export_rows.export_time) over (
                partition by export_rows.billing_account_id, export_rows.invoice.month
            )
        )
    ) as _delivery_id,
    '{{ export_table }}' as _source_file,
    row_number() over (
        partition by export_rows.billing_account_id, export_rows.invoice.month
        order by
            export_rows.export_time, export_rows.usage_start_time, export_rows.usage_end_time,
            export_rows.project.id, export_rows.service.id, export_rows.sku.id, export_rows.resource.global_name,
            export_rows.resource.name, export_rows.location.region, export_rows.location.zone,
            export_rows.cost_type, export_rows.transaction_type, export_rows.currency,
            export_rows.subscription.instance_id, export_rows.adjustment_info.id, export_rows.consumption_model.id,
            cast(export_rows.cost as string), cast(export_rows.usage.amount as string),
            cast(export_rows.usage.amount_in_pricing_units as string), export_rows.usage.unit,
            to_json_string(export_rows.credits), to_json_string(export_rows.labels),
            to_json_string(export_rows.system_labels), to_json_string(export_rows.tags),
            to_json_string(export_rows.price)
    ) as _source_row_number,
    'bigquery-export-table' as _source_format,
    max(export_rows.export_time) over (
        partition by export_rows.billing_account_id, export_rows.invoice.month
    ) as _loaded_at
from `{{ export_table }}` as export_rows
{%- endmacro %}
