{#- One row per tracking store × MLflow run: its own GPU-hours (duration × GPUs seen) and the GPU-hours of the
    run and every run nested under it (sweep and HPO children roll up through `mlflow.parentRunId`, up to three
    levels), with the top-most ancestor as `root_run_id`. -#}

with

runs as (

    select * from {{ ref('stg_mlflow__runs') }}

),

run_seconds as (

    select
        *,
        {{ dbt.datediff('start_time', 'end_time', 'second') }} as seconds_run  -- noqa: LT05
    from runs

),

run_hours as (

    select
        tracking_store,
        run_id,
        parent_run_id,
        experiment_id,
        experiment_name,
        run_name,
        user_id,
        status,
        start_time,
        end_time,
        gpu_count_seen,
        gpu_utilization_avg,
        seconds_run / 3600.0 as duration_hours,
        seconds_run / 3600.0 * gpu_count_seen as gpu_hours
    from run_seconds

),

ancestors as (

    select
        run_hours.tracking_store,
        run_hours.run_id,
        run_hours.parent_run_id as ancestor_1,
        parents.parent_run_id as ancestor_2,
        grandparents.parent_run_id as ancestor_3
    from run_hours
    left join run_hours as parents
        on
            run_hours.tracking_store = parents.tracking_store
            and run_hours.parent_run_id = parents.run_id
    left join run_hours as grandparents
        on
            parents.tracking_store = grandparents.tracking_store
            and parents.parent_run_id = grandparents.run_id

),

{# Each run paired with itself and each of its ancestors: what a run's rolled-up GPU-hours sum over. #}
run_lineage as (

    select
        tracking_store,
        run_id,
        run_id as ancestor_run_id
    from ancestors

    union all

    select
        tracking_store,
        run_id,
        ancestor_1 as ancestor_run_id
    from ancestors
    where ancestor_1 is not null

    union all

    select
        tracking_store,
        run_id,
        ancestor_2 as ancestor_run_id
    from ancestors
    where ancestor_2 is not null

    union all

    select
        tracking_store,
        run_id,
        ancestor_3 as ancestor_run_id
    from ancestors
    where ancestor_3 is not null

),

rolled_up as (

    select
        run_lineage.tracking_store,
        run_lineage.ancestor_run_id as run_id,
        count(*) - 1 as descendant_run_count,
        sum(run_hours.gpu_hours) as rolled_up_gpu_hours
    from run_lineage
    inner join run_hours
        on
            run_lineage.tracking_store = run_hours.tracking_store
            and run_lineage.run_id = run_hours.run_id
    group by run_lineage.tracking_store, run_lineage.ancestor_run_id

),

final as (

    select
        run_hours.tracking_store,
        run_hours.run_id,
        run_hours.parent_run_id,
        coalesce(ancestors.ancestor_3, ancestors.ancestor_2, ancestors.ancestor_1, run_hours.run_id) as root_run_id,
        run_hours.parent_run_id is null as is_root,
        run_hours.experiment_id,
        run_hours.experiment_name,
        run_hours.run_name,
        run_hours.user_id,
        run_hours.status,
        run_hours.start_time,
        run_hours.end_time,
        run_hours.duration_hours,
        run_hours.gpu_count_seen,
        run_hours.gpu_utilization_avg,
        run_hours.gpu_hours,
        rolled_up.descendant_run_count,
        rolled_up.rolled_up_gpu_hours
    from run_hours
    inner join ancestors
        on
            run_hours.tracking_store = ancestors.tracking_store
            and run_hours.run_id = ancestors.run_id
    left join rolled_up
        on
            run_hours.tracking_store = rolled_up.tracking_store
            and run_hours.run_id = rolled_up.run_id

)

select * from final
