{#- CUR lines that become FOCUS rows, with their billed and amortised (effective) measures.
    Each SavingsPlanNegation is netted into the SavingsPlanCoveredUsage row it cancels (same payer, usage
    account, savings plan, resource, usage type, operation and hour), so covered usage shows its billed
    cost as 0. Identical lines are real charges: matching is one-to-one by rank, never by de-duplication.
    An unmatched negation stays a row of its own, with the reason. -#}

with

priced as (

    select * from {{ ref('int_aws__cur_line_items_priced') }}

),

{#- The matching key of a negation and the covered line it cancels. -#}
{%- set match_keys = [
    'billing_account_id', 'billing_period', 'sub_account_id', 'savings_plan_arn', 'resource_id', 'usage_type',
    'operation', 'charge_period_start',
] %}

{#- Covered hours and negations read again, each on its own and only with the columns matching needs (DuckDB
    materialises a CTE read twice, which would hold every CUR line in memory), then ranked within their
    matching key, so identical lines pair one-to-one. #}
{% for side, line_item_type in [('covered', 'SavingsPlanCoveredUsage'), ('negation', 'SavingsPlanNegation')] %}
    {{ side }}_lines as (

        select
            source_line_id,
            {%- for key in match_keys %}
                {{ key }},
            {%- endfor %}
            raw_billed_cost
        from {{ ref('int_aws__cur_line_items_priced') }}
        where line_item_type = '{{ line_item_type }}'

    ),

    {{ side }}_ranked as (

        select
            {{ side }}_lines.*,
            row_number() over (
                partition by {{ match_keys | join(', ') }}
                order by source_line_id
            ) as match_rank
        from {{ side }}_lines

    ),

{% endfor %}
matches as (

    select
        covered.source_line_id as covered_line_id,
        negations.source_line_id as negation_line_id,
        negations.raw_billed_cost as negation_billed_cost
    from covered_ranked as covered
    inner join negation_ranked as negations
        on
            covered.billing_account_id = negations.billing_account_id
            and covered.billing_period = negations.billing_period
            and covered.sub_account_id = negations.sub_account_id
            and covered.savings_plan_arn = negations.savings_plan_arn
            and coalesce(covered.resource_id, '') = coalesce(negations.resource_id, '')
            and coalesce(covered.usage_type, '') = coalesce(negations.usage_type, '')
            and coalesce(covered.operation, '') = coalesce(negations.operation, '')
            and covered.charge_period_start = negations.charge_period_start
            and covered.match_rank = negations.match_rank

),

-- A matched negation is dropped (anti-join): its cost is netted into its covered line.
netted as (

    select
        priced.*,
        matched_negation.negation_line_id as netted_source_line_id,
        priced.raw_billed_cost + coalesce(matched_negation.negation_billed_cost, 0) as billed_cost,
        case
            when priced.line_item_type = 'SavingsPlanNegation'
                then 'SavingsPlanNegation with no matching SavingsPlanCoveredUsage line'
        end as unmatched_reason
    from priced
    left join matches as matched_negation
        on priced.source_line_id = matched_negation.covered_line_id
    left join matches as netted_negation
        on priced.source_line_id = netted_negation.negation_line_id
    where netted_negation.negation_line_id is null

)

select * from netted
