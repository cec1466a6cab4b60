{#- Amortised (effective) cost of one CUR line: the expression of AWS's Cloud Intelligence Dashboards
    (summary_view.sql) and focus_converters (aws/effective_cost_S001.yaml), provider_exports.md §1.5.
    Fee rows carry their unused commitment here; the FOCUS rows move it to a synthetic Unused row.
    With net pricing the net reservation / savings-plan columns are used where AWS fills them. -#}
{% macro aws_amortised_cost(relation) -%}
    {%- set r = relation -%}
    case
        when {{ r }}.line_item_type = 'SavingsPlanCoveredUsage'
            then coalesce(
                case when {{ r }}.uses_net_columns then {{ r }}.savings_plan_net_effective_cost end,
                {{ r }}.savings_plan_effective_cost,
                0
            )
        when {{ r }}.line_item_type = 'SavingsPlanRecurringFee'
            then coalesce({{ r }}.savings_plan_total_commitment_to_date, 0)
                - coalesce({{ r }}.savings_plan_used_commitment, 0)
        when {{ r }}.line_item_type in ('SavingsPlanNegation', 'SavingsPlanUpfrontFee')
            then 0
        when {{ r }}.line_item_type = 'DiscountedUsage'
            then coalesce(
                case when {{ r }}.uses_net_columns then {{ r }}.reservation_net_effective_cost end,
                {{ r }}.reservation_effective_cost,
                0
            )
        when {{ r }}.line_item_type = 'RIFee'
            then coalesce(
                case when {{ r }}.uses_net_columns then {{ r }}.reservation_net_unused_amortized_upfront_fee end,
                {{ r }}.reservation_unused_amortized_upfront_fee,
                0
            )
            + coalesce(
                case when {{ r }}.uses_net_columns then {{ r }}.reservation_net_unused_recurring_fee end,
                {{ r }}.reservation_unused_recurring_fee,
                0
            )
        when {{ r }}.line_item_type = 'Fee' and {{ r }}.reservation_arn is not null
            then 0
        when {{ r }}.line_item_type = 'Refund' and {{ r }}.product_code = 'ComputeSavingsPlans'
            then 0
        else {{ aws_billed_cost(r) }}
    end
{%- endmacro %}
