{#- Every delivery's lines are the replaced delivery's lines plus those it added minus those it removed, and
    each delivery starts from exactly what the one before it ended with. -#}

with

restatements as (

    select * from {{ ref('fct_billing_restatements') }}

),

unbalanced as (

    select
        restatements.provider_name,
        restatements.billing_account_id,
        restatements.billing_period,
        restatements.delivery_id,
        'rows_after <> rows_before + rows_added - rows_removed' as problem
    from restatements
    where restatements.rows_after <> restatements.rows_before + restatements.rows_added - restatements.rows_removed

),

broken_chain as (

    select
        restatements.provider_name,
        restatements.billing_account_id,
        restatements.billing_period,
        restatements.delivery_id,
        'before differs from after of the replaced delivery' as problem
    from restatements
    left join restatements as previous
        on
            restatements.provider_name = previous.provider_name
            and restatements.billing_account_id = previous.billing_account_id
            and restatements.billing_period = previous.billing_period
            and restatements.previous_delivery_id = previous.delivery_id
    where
        (restatements.previous_delivery_id is null and restatements.rows_before <> 0)
        or (
            restatements.previous_delivery_id is not null
            and (
                previous.delivery_id is null
                or restatements.rows_before <> previous.rows_after
                or restatements.billed_cost_before <> previous.billed_cost_after
                or restatements.effective_cost_before <> previous.effective_cost_after
            )
        )

)

select * from unbalanced
union all
select * from broken_chain
