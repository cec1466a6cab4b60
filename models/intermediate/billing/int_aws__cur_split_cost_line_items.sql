{#- EKS / ECS split cost allocation rows. They re-state the cost of their parent EC2 instance at pod or
    task level (unblended cost 0), so they are excluded from Cost and Usage and kept here for workload
    attribution. -#}

with

cur_line_items as (

    select * from {{ ref('stg_aws__cur_line_items') }}

),

split_rows as (

    select
        source_line_id,
        delivery_id,
        billing_account_id,
        sub_account_id,
        billing_period,
        billing_period_start,
        charge_period_start,
        charge_period_end,
        billing_currency,
        operation,
        usage_type,
        resource_id,
        split_parent_resource_id,
        split_cost,
        split_unused_cost,
        split_usage_ratio,
        unblended_cost,
        tags,
        {{ dbt.concat(["'split detail of '", "coalesce(split_parent_resource_id, 'an unnamed parent')"]) }}
            as exclusion_reason
    from cur_line_items
    where operation in ('EKSPod-EC2', 'ECSTask-EC2')

)

select * from split_rows
