{#- One source per bill: every provider x billing account x billing period of the FOCUS dataset comes from a
    single source kind (x_source_kind: a raw export such as AWS `cur`, or the provider's native `focus`
    export). Two would count the bill twice; ingest refuses the second (runner.overlapping_sources) unless
    `--supersede` moves the first to the archive, and the incremental mart replaces the whole key when a
    delivery changes. A raw source whose bill is built from two landed datasets (Azure actual + amortized)
    publishes one x_source_kind for both. -#}

with

sources_per_bill as (

    select
        x_source_provider,
        BillingAccountId,
        x_billing_period,
        count(distinct x_source_kind) as source_kinds,
        min(x_source_kind) as first_source_kind,
        max(x_source_kind) as last_source_kind
    from {{ ref('focus_cost_and_usage') }}
    group by x_source_provider, BillingAccountId, x_billing_period

)

select * from sources_per_bill
where source_kinds <> 1 or first_source_kind is null
