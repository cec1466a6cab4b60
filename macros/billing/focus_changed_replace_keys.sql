{#- The replace keys (provider x billing account x billing period) of focus_cost_and_usage that a current
    delivery changed since the table was last built: a key whose current delivery id is not on its published
    rows. Read from the staging line views, which hold only current deliveries and whose three key columns
    are plain Parquet columns, so this never runs the intermediate stack (netting windows, credit unnesting,
    actual/amortized pairing). Azure rows carry `actual id+amortized id`, hence "contains", not "equals". -#}
{% macro focus_changed_replace_keys_sql(published_relation) -%}

    {%- set current_deliveries = [
        ("'aws'", ref('stg_aws__cur_line_items')),
        ("'azure'", ref('stg_azure__cost_details_actual')),
        ("'azure'", ref('stg_azure__cost_details_amortized')),
        ("'gcp'", ref('stg_gcp__billing_export_line_items')),
        ('source_provider', ref('stg_focus__focus_line_items')),
    ] %}

    with

    current_deliveries as (

        {% for provider, relation in current_deliveries %}
            select distinct
                {{ provider }} as x_source_provider,
                billing_account_id,
                billing_period as x_billing_period,
                delivery_id
            from {{ relation }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}

    ),

    published_deliveries as (

        select distinct
            x_source_provider,
            BillingAccountId as billing_account_id,
            x_billing_period,
            x_delivery_id
        from {{ published_relation }}

    ),

    unpublished as (

        select
            current_deliveries.x_source_provider,
            current_deliveries.billing_account_id,
            current_deliveries.x_billing_period
        from current_deliveries
        left join published_deliveries
            on
                current_deliveries.x_source_provider = published_deliveries.x_source_provider
                and current_deliveries.billing_account_id = published_deliveries.billing_account_id
                and current_deliveries.x_billing_period = published_deliveries.x_billing_period
                and {{ dbt.position('current_deliveries.delivery_id', 'published_deliveries.x_delivery_id') }} > 0
        where published_deliveries.x_delivery_id is null

    )

    select distinct
        x_source_provider,
        billing_account_id,
        x_billing_period
    from unpublished

{%- endmacro %}


{#- A `where` predicate on the rows of int_billing_line_items_unioned selecting the changed replace keys.
    At run time the keys are read first and inlined as literals: an unchanged bill selects `1 = 0` and costs no
    scan of the stack at all (a changed key still runs the AWS netting over every Savings Plan line: measured,
    the literal filter saves little there).
    On BigQuery a key is the whole month partition (insert_overwrite), so the predicate is on the period.
    Compiled without a connection (offline BigQuery checks), the same keys come from a subquery. -#}
{% macro focus_changed_replace_keys_predicate(published_relation) -%}

    {%- set keys_sql = focus_changed_replace_keys_sql(published_relation) -%}
    {%- set by_period = target.type == 'bigquery' -%}

    {%- if execute and not var('offline_compile', false) -%}
        {%- set keys = run_query(keys_sql) -%}
        {%- set clauses = [] -%}
        {%- set periods = [] -%}
        {%- for row in keys.rows -%}
            {%- set terms = [] -%}
            {%- for column, value in zip(['x_source_provider', 'billing_account_id', 'x_billing_period'], row) -%}
                {%- if value is none -%}
                    {%- do terms.append(column ~ ' is null') -%}
                {%- elif "'" in value or '\\' in value -%}
                    {{ exceptions.raise_compiler_error(
                        "focus_cost_and_usage: replace key value " ~ value ~ " (" ~ column ~ ") holds a quote or "
                        ~ "backslash; it cannot be inlined as a literal"
                    ) }}
                {%- else -%}
                    {%- do terms.append(column ~ " = '" ~ value ~ "'") -%}
                {%- endif -%}
            {%- endfor -%}
            {%- do clauses.append('(' ~ terms | join(' and ') ~ ')') -%}
            {%- if row[2] not in periods -%}{%- do periods.append(row[2]) -%}{%- endif -%}
        {%- endfor -%}
        {%- if not clauses -%}
            1 = 0
        {%- elif by_period -%}
            x_billing_period in ('{{ periods | sort | join("', '") }}')
        {%- else -%}
            ({{ clauses | join('\n        or ') }})
        {%- endif -%}
    {%- elif by_period -%}
        x_billing_period in (select changed_keys.x_billing_period from ({{ keys_sql }}) as changed_keys)
    {%- else -%}
        {{ dbt.concat(["x_source_provider", "'|'", "billing_account_id", "'|'", "x_billing_period"]) }} in (
            select {{ dbt.concat([
                "changed_keys.x_source_provider", "'|'", "changed_keys.billing_account_id", "'|'",
                "changed_keys.x_billing_period"
            ]) }}
            from ({{ keys_sql }}) as changed_keys
        )
    {%- endif -%}

{%- endmacro %}
