{#- A SavingsPlanNegation is netted into its covered-usage row. One that stays a row of its own must say
    why, and no other row may carry that reason. -#}

select
    x_source_line_id,
    x_line_item_type,
    x_unmatched_reason
from {{ ref('focus_cost_and_usage') }}
where
    (x_line_item_type = 'SavingsPlanNegation') <> (x_unmatched_reason is not null)
