{#- One row per CUR line that becomes (part of) a FOCUS row, i.e. every staged line except EKS / ECS
    split rows, with its billed measure and its amortised (effective) measure. -#}

with

cur_line_items as (

    select * from {{ ref('stg_aws__cur_line_items') }}
    where coalesce(operation, '') not in ('EKSPod-EC2', 'ECSTask-EC2')

),

-- The same lines again, only the columns the per-period flag needs: DuckDB buffers a CTE read by two
-- consumers until both are done, which here would hold every line with every column in memory.
line_item_types as (

    select
        billing_account_id,
        billing_period,
        line_item_type
    from {{ ref('stg_aws__cur_line_items') }}
    where coalesce(operation, '') not in ('EKSPod-EC2', 'ECSTask-EC2')

),

-- Discounts delivered as separate lines already reduce the bill: then the gross unblended cost is billed.
-- Without such lines the net columns (EDP / private pricing) carry the discount.
periods as (

    select
        billing_account_id,
        billing_period,
        max(case when line_item_type in ({{ aws_discount_line_item_types() }}) then 1 else 0 end)
            as has_discount_lines
    from line_item_types
    group by billing_account_id, billing_period

),

measured as (

    select
        cur_line_items.*,
        periods.has_discount_lines = 0 as uses_net_columns
    from cur_line_items
    inner join periods
        on
            cur_line_items.billing_account_id = periods.billing_account_id
            and cur_line_items.billing_period = periods.billing_period

),

priced as (

    select
        measured.*,
        {{ aws_billed_cost('measured') }} as raw_billed_cost,
        {{ aws_amortised_cost('measured') }} as raw_amortised_cost
    from measured

)

select * from priced
