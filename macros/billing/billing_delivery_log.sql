{#- The restatement log of one provider's landed deliveries, shared by every int_<provider>__*_deliveries
    model: CTEs to place after the model's own (ending with a comma), the last, `delivery_log`, holding one row per source kind × delivery × billing account × billing period
    with the columns of int_billing_deliveries_unioned.

    `deliveries`: a CTE with source_kind, delivery_id, billing_account_id, billing_period, loaded_at,
    manifest_id, data_through (one row per delivery × account × period, current or superseded).
    `lines`: a CTE with one row per delivered line: source_kind, delivery_id, billing_account_id,
    billing_period, billing_period_start, billing_period_end, billing_currency, invoice_id,
    invoice_issuer_name (null: `default_invoice_issuer`), billed_cost, effective_cost (money, as the provider's
    FOCUS rows price the line) and
    line_fingerprint (what the line says, to compare deliveries by content).
    `is_final`: SQL over `totals` (is_invoiced, billing_period_end) and `sequenced` (data_through): the
    provider's own word that the period will not change any more.

    Ingest never lands an older delivery over a newer one, so landing order is delivery order. Lines are
    compared by content between a delivery and the one it replaced: identical lines are real charges, so they
    are counted, never de-duplicated. -#}
{% macro billing_delivery_log(provider_name, deliveries, lines, default_invoice_issuer, is_final='totals.is_invoiced') %}

    {%- set keys = ['source_kind', 'delivery_id', 'billing_account_id', 'billing_period'] -%}
    {%- set period = ['source_kind', 'billing_account_id', 'billing_period'] %}

    sequenced as (

        select
            source_kind,
            delivery_id,
            billing_account_id,
            billing_period,
            loaded_at,
            manifest_id,
            data_through,
            row_number() over (
                partition by {{ period | join(', ') }} order by loaded_at, delivery_id
            ) as delivery_sequence,
            lag(delivery_id) over (
                partition by {{ period | join(', ') }} order by loaded_at, delivery_id
            ) as previous_delivery_id,
            count(*) over (partition by {{ period | join(', ') }}) as delivery_count
        from {{ deliveries }}

    ),

    totals as (

        select
            {{ keys | join(', ') }},
            min(billing_period_start) as billing_period_start,
            max(billing_period_end) as billing_period_end,
            max(billing_currency) as billing_currency,
            coalesce(max(invoice_issuer_name), '{{ default_invoice_issuer }}') as invoice_issuer_name,
            count(*) as row_count,
            count(invoice_id) > 0 as is_invoiced,
            sum(billed_cost) as billed_cost,
            sum(effective_cost) as effective_cost
        from {{ lines }}
        group by {{ keys | join(', ') }}

    ),

    invoices as (

        select
            {{ keys | join(', ') }},
            invoice_id
        from {{ lines }}
        where invoice_id is not null
        group by {{ keys | join(', ') }}, invoice_id

    ),

    invoice_lists as (

        select
            {{ keys | join(', ') }},
            {{ dbt.listagg('invoice_id', "','", 'order by invoice_id') }} as invoice_ids
        from invoices
        group by {{ keys | join(', ') }}

    ),

    fingerprints as (

        select
            {{ keys | join(', ') }},
            line_fingerprint,
            count(*) as line_count
        from {{ lines }}
        group by {{ keys | join(', ') }}, line_fingerprint

    ),

    this_delivery as (

        select
            {% for key in keys %}sequenced.{{ key }},{% endfor %}
            fingerprints.line_fingerprint,
            fingerprints.line_count
        from sequenced
        inner join fingerprints
            on
                {% for key in keys %}sequenced.{{ key }} = fingerprints.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}

    ),

    replaced_delivery as (

        select
            {% for key in keys %}sequenced.{{ key }},{% endfor %}
            fingerprints.line_fingerprint,
            fingerprints.line_count
        from sequenced
        inner join fingerprints
            on
                sequenced.previous_delivery_id = fingerprints.delivery_id
                {% for key in period %} and sequenced.{{ key }} = fingerprints.{{ key }}{% endfor %}

    ),

    line_changes as (

        select
            {% for key in keys -%}
                coalesce(this_delivery.{{ key }}, replaced_delivery.{{ key }}) as {{ key }},
            {% endfor -%}
            coalesce(this_delivery.line_count, 0) - coalesce(replaced_delivery.line_count, 0) as line_count_change
        from this_delivery
        full outer join replaced_delivery
            on
                {% for key in keys %}this_delivery.{{ key }} = replaced_delivery.{{ key }} and {% endfor %}
                this_delivery.line_fingerprint = replaced_delivery.line_fingerprint

    ),

    changes as (

        select
            {{ keys | join(', ') }},
            sum(case when line_count_change > 0 then line_count_change else 0 end) as rows_added,
            sum(case when line_count_change < 0 then -line_count_change else 0 end) as rows_removed
        from line_changes
        group by {{ keys | join(', ') }}

    ),

    delivery_log as (

        select
            '{{ provider_name }}' as provider_name,
            sequenced.source_kind,
            sequenced.billing_account_id,
            sequenced.billing_period,
            totals.billing_period_start,
            totals.billing_period_end,
            sequenced.delivery_id,
            sequenced.delivery_sequence,
            sequenced.previous_delivery_id,
            sequenced.delivery_sequence = sequenced.delivery_count as is_current_delivery,
            sequenced.manifest_id,
            sequenced.loaded_at,
            totals.billing_currency,
            totals.invoice_issuer_name,
            invoice_lists.invoice_ids,
            coalesce({{ is_final }}, false) as is_final,
            {{ dbt.cast('totals.row_count', dbt.type_bigint()) }} as row_count,
            {{ dbt.cast('changes.rows_added', dbt.type_bigint()) }} as rows_added,
            {{ dbt.cast('changes.rows_removed', dbt.type_bigint()) }} as rows_removed,
            {{ dbt.cast('totals.billed_cost', type_money()) }} as billed_cost,
            {{ dbt.cast('totals.effective_cost', type_money()) }} as effective_cost
        from sequenced
        inner join totals
            on
                {% for key in keys %}sequenced.{{ key }} = totals.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
        inner join changes
            on
                {% for key in keys %}sequenced.{{ key }} = changes.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
        left join invoice_lists
            on
                {% for key in keys %}sequenced.{{ key }} = invoice_lists.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}

    )

{% endmacro %}
