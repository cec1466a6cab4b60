{#- Every provider's billing deliveries in one relation: one row per provider x source kind x billing account
    x billing period x delivery, current or superseded. Each provider model selects the same columns in
    the same order; `provider_name` tells them apart. `is_final` is the provider's own word that the period
    will not change any more (AWS and Azure: an invoice id on the delivery's lines; GCP: the extraction was
    exported after the invoice month closed). -#}

{%- set provider_models = [
    'int_aws__cur_deliveries', 'int_azure__cost_details_deliveries', 'int_gcp__billing_export_deliveries',
] %}
{%- set columns = [
    'provider_name', 'source_kind', 'billing_account_id', 'billing_period', 'billing_period_start',
    'billing_period_end', 'delivery_id', 'delivery_sequence', 'previous_delivery_id', 'is_current_delivery',
    'manifest_id', 'loaded_at', 'billing_currency', 'invoice_issuer_name', 'invoice_ids', 'is_final',
    'row_count', 'rows_added', 'rows_removed', 'billed_cost', 'effective_cost',
] %}

with

{% for provider_model in provider_models %}
    {{ provider_model }} as (

        select
            {%- for column in columns %}
                {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ ref(provider_model) }}

    ),

{% endfor %}
unioned as (

    {% for provider_model in provider_models %}
        select * from {{ provider_model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from unioned
