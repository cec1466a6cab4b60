-- depends_on: {{ ref('focus_cost_and_usage') }}
{#- No mart sums money across BillingCurrency. Checked on every built model of models/marts, from its
    columns (introspected at run time):
    - a mart with a cost, price or amount column must carry a currency column (a sum across currencies loses it);
    - a mart with a converted amount (a `reporting_currency` column) must carry the `fx_rate_date` it used;
    - no currency value is null (a CASE over mixed currencies leaves it null).
    Marts are the only models people sum; intermediate models keep one row per charge in its own currency. -#}

{%- set checks = [] -%}
{%- if execute and not var('offline_compile', false) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
            {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if relation is not none -%}
                {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
                {%- set lowered = names | map('lower') | list -%}
                {%- set money = [] -%}
                {%- set currency = [] -%}
                {%- for name in lowered -%}
                    {%- if 'currency' in name and 'effectivecost' not in name and 'unitprice' not in name -%}
                        {%- do currency.append(names[loop.index0]) -%}
                    {%- elif name.endswith('cost') or name.endswith('_amount') or name.endswith('unitprice') -%}
                        {%- do money.append(name) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if money and not currency -%}
                    {%- do checks.append("select '" ~ node.name ~ "' as mart, 'money columns without a currency column' as problem") -%}
                {%- endif -%}
                {%- if 'reporting_currency' in lowered and 'fx_rate_date' not in lowered -%}
                    {%- do checks.append("select '" ~ node.name ~ "' as mart, 'converted amounts without fx_rate_date' as problem") -%}
                {%- endif -%}
                {%- for column in currency -%}
                    {%- do checks.append(
                        "select '" ~ node.name ~ "' as mart, 'null " ~ column ~ "' as problem from " ~ relation
                        ~ " where " ~ adapter.quote(column) ~ " is null having count(*) > 0"
                    ) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

{% if checks -%}
    {{ checks | join('\nunion all\n') }}
{%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as mart,
        cast(null as {{ dbt.type_string() }}) as problem
    where 1 = 0
{%- endif %}
