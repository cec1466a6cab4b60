{#- Every staged GCP billing row is exactly one FOCUS row (x_source_line_id = its source_line_id, not an
    Unused row); every PROMOTION credit is exactly one Credit row (`<source_line_id>#credit-<position>`);
    every Unused row points at a commitment fee row; and no GCP FOCUS row points at anything else. -#}

with

staged_rows as (

    select source_line_id from {{ ref('stg_gcp__billing_export_line_items') }}

),

promotion_credits as (

    select
        {{ dbt.concat(["source_line_id", "'#credit-'", dbt.cast("credit_position", dbt.type_string())]) }}
            as credit_row_id
    from {{ ref('int_gcp__billing_credits') }}
    where credit_type = 'PROMOTION'

),

fee_rows as (

    select source_line_id from {{ ref('int_gcp__billing_line_items_priced') }}
    where commitment_role = 'fee'

),

focus_rows as (

    select
        x_source_line_id,
        x_line_item_type,
        CommitmentDiscountStatus as commitment_discount_status
    from {{ ref('focus_cost_and_usage') }}
    where x_source_provider = 'gcp' and x_source_kind = 'billing_export'

),

charge_rows as (

    select
        x_source_line_id,
        count(*) as focus_rows
    from focus_rows
    where x_line_item_type not in ('promotion_credit', 'unused_commitment', 'unused_commitment_pooled')
    group by x_source_line_id

),

credit_rows as (

    select
        x_source_line_id,
        count(*) as focus_rows
    from focus_rows
    where x_line_item_type = 'promotion_credit'
    group by x_source_line_id

),

problems as (

    select
        staged_rows.source_line_id as line_id,
        'staged row without exactly one FOCUS row' as problem
    from staged_rows
    left join charge_rows
        on staged_rows.source_line_id = charge_rows.x_source_line_id
    where coalesce(charge_rows.focus_rows, 0) <> 1

    union all

    select
        promotion_credits.credit_row_id as line_id,
        'PROMOTION credit without exactly one Credit row' as problem
    from promotion_credits
    left join credit_rows
        on promotion_credits.credit_row_id = credit_rows.x_source_line_id
    where coalesce(credit_rows.focus_rows, 0) <> 1

    union all

    select
        focus_rows.x_source_line_id as line_id,
        'Unused row that points at no commitment fee row' as problem
    from focus_rows
    where
        focus_rows.x_line_item_type in ('unused_commitment', 'unused_commitment_pooled')
        and focus_rows.x_source_line_id not in (select fee_rows.source_line_id from fee_rows)

    union all

    select
        charge_rows.x_source_line_id as line_id,
        'FOCUS row that points at no staged row' as problem
    from charge_rows
    where charge_rows.x_source_line_id not in (select staged_rows.source_line_id from staged_rows)

    union all

    select
        credit_rows.x_source_line_id as line_id,
        'Credit row that points at no PROMOTION credit' as problem
    from credit_rows
    where credit_rows.x_source_line_id not in (select promotion_credits.credit_row_id from promotion_credits)

)

select * from problems
