{#- One row per workload: its class, owner, model and ML identifiers, and when it was first and last seen on
    the bill. Team and model are the ones carrying most of the workload's EffectiveCost. -#}

with

workload_costs as (

    select * from {{ ref('int_workload_costs_unioned') }}

),

mlflow_runs as (

    select * from {{ ref('stg_mlflow__runs') }}

),

workload_rows as (

    select * from workload_costs
    where workload_costs.workload_key is not null

),

owner_costs as (

    select
        workload_rows.workload_key,
        workload_rows.team,
        workload_rows.model_name,
        row_number() over (
            partition by workload_rows.workload_key
            order by sum(workload_rows.effective_cost) desc, workload_rows.team asc, workload_rows.model_name asc
        ) as cost_rank
    from workload_rows
    group by workload_rows.workload_key, workload_rows.team, workload_rows.model_name

),

workloads as (

    select
        workload_rows.workload_key,
        {{ dbt.split_part('workload_rows.workload_key', "':'", 1) }} as workload_type,
        max(workload_rows.workload_class) as workload_class,
        max(workload_rows.provider) as provider,
        max(workload_rows.run_id) as run_id,
        max(workload_rows.experiment_name) as experiment_name,
        min(workload_rows.charge_date) as first_seen_date,
        max(workload_rows.charge_date) as last_seen_date,
        min(workload_rows.hour_start) as first_seen_hour,
        max(workload_rows.hour_start) as last_seen_hour
    from workload_rows
    group by workload_rows.workload_key

),

described as (

    select
        workloads.workload_key,
        workloads.workload_type,
        workloads.workload_class,
        workloads.provider,
        owner_costs.team,
        owner_costs.model_name,
        workloads.run_id,
        mlflow_runs.parent_run_id,
        coalesce(workloads.experiment_name, mlflow_runs.experiment_name) as experiment_name,
        workloads.first_seen_date,
        workloads.last_seen_date,
        workloads.first_seen_hour,
        workloads.last_seen_hour
    from workloads
    inner join owner_costs
        on
            workloads.workload_key = owner_costs.workload_key
            and owner_costs.cost_rank = 1
    left join mlflow_runs
        on workloads.run_id = mlflow_runs.run_id

)

select * from described
