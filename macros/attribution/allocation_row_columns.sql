{#- The columns of the allocation row every attribution producer emits (docs/telemetry_contract.md), in order;
    int_workload_costs_unioned selects exactly these from each producer. -#}
{% macro allocation_row_columns() -%}
    {{ return([
        'provider',
        'billing_account_id',
        'sub_account_id',
        'billing_period_start',
        'billing_currency',
        'charge_date',
        'hour_start',
        'resource_id',
        'source_line_id',
        'workload_key',
        'workload_class',
        'team',
        'model_name',
        'run_id',
        'experiment_name',
        'cost_class',
        'allocation_method',
        'x_hour_basis',
        'gpu_hours_allocated',
        'gpu_hours_used',
        'effective_cost',
        'billed_cost'
    ]) }}
{%- endmacro %}
