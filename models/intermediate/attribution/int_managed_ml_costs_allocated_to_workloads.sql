{#- One allocation row per FOCUS row of a managed ML service (SageMaker, Vertex AI, Azure ML) that names a
    resource. Each row goes whole to the job or endpoint it bills (the whole instance: method
    managed_whole_instance for jobs, managed_endpoint for endpoints), or stays `unallocated` / `no_telemetry` when
    no telemetry names that job or endpoint. Σ effective_cost = Σ EffectiveCost of the selected FOCUS rows. -#}

with

focus_rows as (

    select * from {{ ref('int_focus_line_items_tagged') }}

),

gpu_instance_catalog as (

    select * from {{ ref('gpu_instance_catalog') }}

),

sagemaker_training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

sagemaker_endpoint_metrics as (

    select * from {{ ref('stg_sagemaker__endpoint_metrics_hourly') }}

),

vertex_custom_jobs as (

    select * from {{ ref('stg_vertex__custom_jobs') }}

),

vertex_endpoint_metrics as (

    select * from {{ ref('stg_vertex__endpoint_metrics_hourly') }}

),

azureml_endpoint_metrics as (

    select * from {{ ref('stg_azureml__endpoint_metrics_hourly') }}

),

azureml_jobs as (

    select * from {{ ref('stg_azureml__jobs') }}

),

mlflow_runs_rolled_up as (

    select * from {{ ref('int_mlflow__runs_rolled_up') }}

),

{# A run id is unique in practice across tracking stores; one row per id so the join cannot fan out. #}
mlflow_runs as (

    select
        run_id,
        min(experiment_name) as experiment_name,
        min(root_run_id) as root_run_id,
        avg(gpu_utilization_avg) as gpu_utilization_avg
    from mlflow_runs_rolled_up
    group by run_id

),

managed_rows as (

    select
        focus_rows.*,
        focus_rows.x_source_line_id as source_line_id,
        focus_rows.provider
        || '|' || focus_rows.x_source_line_id
        || '|' || coalesce(focus_rows.commitment_discount_status, '') as row_key,
        lower(focus_rows.resource_id) as resource_key,
        case
            when
                {{ dbt.datediff('focus_rows.charge_period_start', 'focus_rows.charge_period_end', 'hour') }} = 1  -- noqa: LT05
                then focus_rows.charge_period_start
        end as hour_start
    from focus_rows
    where
        {{ is_managed_ml_line_item(
            'focus_rows.provider', 'focus_rows.service_name', 'focus_rows.resource_id', 'focus_rows.tags'
        ) }}

),

{# SageMaker: the ARN in ResourceId (lower-cased) and the usage-type component. #}
sagemaker_endpoints as (

    select
        endpoint_arn_key,
        min(endpoint_name) as endpoint_name
    from sagemaker_endpoint_metrics
    group by endpoint_arn_key

),

sagemaker_invocations as (

    select
        endpoint_arn_key,
        hour_start,
        sum(invocations) as invocations
    from sagemaker_endpoint_metrics
    group by endpoint_arn_key, hour_start

),

sagemaker_matches as (

    select
        managed_rows.row_key,
        'sagemaker-training:' || sagemaker_training_jobs.training_job_arn_key as workload_key,
        'training' as workload_class,
        'managed_whole_instance' as allocation_method,
        sagemaker_training_jobs.training_job_name as workload_name,
        cast(null as {{ dbt.type_string() }}) as deployment_name,
        sagemaker_training_jobs.mlflow_run_id as run_id,
        sagemaker_training_jobs.managed_spot,
        {{ dbt.safe_cast(
            '1 - 1.0 * sagemaker_training_jobs.billable_time_seconds'
            ~ ' / nullif(sagemaker_training_jobs.training_time_seconds, 0)',
            type_double()
        ) }} as spot_savings_ratio,
        cast(null as {{ type_double() }}) as requests
    from managed_rows
    inner join sagemaker_training_jobs
        on managed_rows.resource_key = sagemaker_training_jobs.training_job_arn_key
    where managed_rows.provider = 'aws' and managed_rows.x_usage_type like '%Train:ml.%'

    union all

    select
        managed_rows.row_key,
        'sagemaker-endpoint:' || sagemaker_endpoints.endpoint_arn_key as workload_key,
        'inference' as workload_class,
        'managed_endpoint' as allocation_method,
        sagemaker_endpoints.endpoint_name as workload_name,
        cast(null as {{ dbt.type_string() }}) as deployment_name,
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as {{ dbt.type_boolean() }}) as managed_spot,
        cast(null as {{ type_double() }}) as spot_savings_ratio,
        sagemaker_invocations.invocations as requests
    from managed_rows
    inner join sagemaker_endpoints
        on managed_rows.resource_key = sagemaker_endpoints.endpoint_arn_key
    left join sagemaker_invocations
        on
            sagemaker_endpoints.endpoint_arn_key = sagemaker_invocations.endpoint_arn_key
            and managed_rows.hour_start = sagemaker_invocations.hour_start
    where managed_rows.provider = 'aws' and managed_rows.x_usage_type like '%Host:ml.%'

),

{# Vertex AI: a custom job's rows by its resource name, and rows of other resources it created (Compute Engine
    and management-fee rows under DWS / Spot) by the pipeline billing-id label, one job per row. #}
vertex_job_candidates as (

    select
        managed_rows.row_key,
        vertex_custom_jobs.job_id,
        vertex_custom_jobs.display_name,
        vertex_custom_jobs.mlflow_run_id,
        row_number() over (
            partition by managed_rows.row_key
            order by
                case
                    when managed_rows.resource_key like '%/customjobs/' || vertex_custom_jobs.job_id then 0
                    else 1
                end,
                vertex_custom_jobs.job_id
        ) as preference
    from managed_rows
    inner join vertex_custom_jobs
        on
            managed_rows.resource_key like '%/customjobs/' || vertex_custom_jobs.job_id
            or (
                {{ json_text_value('managed_rows.tags', "'vertex-ai-pipelines-run-billing-id'") }}
                = {{ json_text_value('vertex_custom_jobs.labels', "'vertex-ai-pipelines-run-billing-id'") }}
            )
    where managed_rows.provider = 'gcp'

),

vertex_endpoints as (

    select
        endpoint_id,
        min(deployed_model_id) as deployed_model_id
    from vertex_endpoint_metrics
    group by endpoint_id

),

vertex_predictions as (

    select
        endpoint_id,
        hour_start,
        sum(prediction_count) as prediction_count
    from vertex_endpoint_metrics
    group by endpoint_id, hour_start

),

vertex_matches as (

    select
        vertex_job_candidates.row_key,
        'vertex-job:' || vertex_job_candidates.job_id as workload_key,
        'training' as workload_class,
        'managed_whole_instance' as allocation_method,
        vertex_job_candidates.display_name as workload_name,
        cast(null as {{ dbt.type_string() }}) as deployment_name,
        vertex_job_candidates.mlflow_run_id as run_id,
        cast(null as {{ dbt.type_boolean() }}) as managed_spot,
        cast(null as {{ type_double() }}) as spot_savings_ratio,
        cast(null as {{ type_double() }}) as requests
    from vertex_job_candidates
    where vertex_job_candidates.preference = 1

    union all

    select
        managed_rows.row_key,
        'vertex-endpoint:' || vertex_endpoints.endpoint_id as workload_key,
        'inference' as workload_class,
        'managed_endpoint' as allocation_method,
        managed_rows.resource_name as workload_name,
        vertex_endpoints.deployed_model_id as deployment_name,
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as {{ dbt.type_boolean() }}) as managed_spot,
        cast(null as {{ type_double() }}) as spot_savings_ratio,
        vertex_predictions.prediction_count as requests
    from managed_rows
    inner join vertex_endpoints
        on managed_rows.resource_key like '%/endpoints/' || vertex_endpoints.endpoint_id
    left join vertex_predictions
        on
            vertex_endpoints.endpoint_id = vertex_predictions.endpoint_id
            and managed_rows.hour_start = vertex_predictions.hour_start
    where managed_rows.provider = 'gcp'

),

{# Azure ML online endpoints: the workspace in ResourceId plus the system tags azuremlendpoint and
    azuremldeployment (endpoint costs accrue to the workspace; the tags are the only split). #}
azureml_deployments as (

    select
        workspace_resource_id_key,
        workspace,
        endpoint_name,
        deployment_name
    from azureml_endpoint_metrics
    group by workspace_resource_id_key, workspace, endpoint_name, deployment_name

),

azureml_daily_requests as (

    select
        workspace_resource_id_key,
        endpoint_name,
        deployment_name,
        cast(hour_start as date) as request_date,
        sum(requests) as requests
    from azureml_endpoint_metrics
    group by
        workspace_resource_id_key,
        endpoint_name,
        deployment_name,
        cast(hour_start as date)

),

azureml_matches as (

    select
        managed_rows.row_key,
        'azureml-endpoint:' || azureml_deployments.workspace || '/' || azureml_deployments.endpoint_name
            as workload_key,
        'inference' as workload_class,
        'managed_endpoint' as allocation_method,
        azureml_deployments.endpoint_name as workload_name,
        azureml_deployments.deployment_name,
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as {{ dbt.type_boolean() }}) as managed_spot,
        cast(null as {{ type_double() }}) as spot_savings_ratio,
        azureml_daily_requests.requests
    from managed_rows
    inner join azureml_deployments
        on
            (
                managed_rows.resource_key = azureml_deployments.workspace_resource_id_key
                or managed_rows.resource_key like azureml_deployments.workspace_resource_id_key || '/%'
            )
            and {{ json_text_value('managed_rows.tags', "'azuremlendpoint'") }} = azureml_deployments.endpoint_name
            and coalesce({{ json_text_value('managed_rows.tags', "'azuremldeployment'") }}, '')
            = coalesce(azureml_deployments.deployment_name, '')
    left join azureml_daily_requests
        on
            azureml_deployments.workspace_resource_id_key = azureml_daily_requests.workspace_resource_id_key
            and azureml_deployments.endpoint_name = azureml_daily_requests.endpoint_name
            and azureml_deployments.deployment_name = azureml_daily_requests.deployment_name
            and cast(managed_rows.charge_period_start as date) = azureml_daily_requests.request_date
    where managed_rows.provider = 'azure'

),

{# Azure ML jobs on a compute cluster: the bill has no job id, only the cluster's daily VM line. Each line is
   shared among the jobs that ran on that cluster in its charge period by node-hours (node count × overlap);
   node-hours billed beyond the jobs' are the cluster's idle capacity. #}
azureml_cluster_job_hours as (

    select
        managed_rows.row_key,
        managed_rows.consumed_quantity as billed_node_hours,
        azureml_jobs.workspace,
        azureml_jobs.job_name,
        azureml_jobs.mlflow_run_id,
        azureml_jobs.node_count * {{ dbt.datediff(
            'greatest(azureml_jobs.start_time, managed_rows.charge_period_start)',
            'least(azureml_jobs.end_time, managed_rows.charge_period_end)',
            'second'
        ) }} / 3600.0 as job_node_hours
    from managed_rows
    inner join azureml_jobs
        on
            managed_rows.resource_key = lower(azureml_jobs.compute_id)
            and managed_rows.charge_period_end > azureml_jobs.start_time
            and managed_rows.charge_period_start < azureml_jobs.end_time
    where managed_rows.provider = 'azure' and managed_rows.resource_key like '%/computes/%'

),

azureml_cluster_shares as (

    select
        row_key,
        workspace,
        job_name,
        mlflow_run_id,
        job_node_hours,
        job_node_hours / greatest(
            coalesce(billed_node_hours, 0),
            sum(job_node_hours) over (partition by row_key)
        ) as share
    from azureml_cluster_job_hours
    where job_node_hours > 0

),

azureml_cluster_matches as (

    select
        row_key,
        'azureml-job:' || workspace || '/' || job_name as workload_key,
        'training' as workload_class,
        'managed_whole_instance' as allocation_method,
        job_name as workload_name,
        cast(null as {{ dbt.type_string() }}) as deployment_name,
        mlflow_run_id as run_id,
        cast(null as {{ dbt.type_boolean() }}) as managed_spot,
        cast(null as {{ type_double() }}) as spot_savings_ratio,
        cast(null as {{ type_double() }}) as requests,
        share
    from azureml_cluster_shares

    union all

    select
        row_key,
        cast(null as {{ dbt.type_string() }}) as workload_key,
        cast(null as {{ dbt.type_string() }}) as workload_class,
        'idle_capacity' as allocation_method,
        cast(null as {{ dbt.type_string() }}) as workload_name,
        cast(null as {{ dbt.type_string() }}) as deployment_name,
        cast(null as {{ dbt.type_string() }}) as run_id,
        cast(null as {{ dbt.type_boolean() }}) as managed_spot,
        cast(null as {{ type_double() }}) as spot_savings_ratio,
        cast(null as {{ type_double() }}) as requests,
        1 - sum(share) as share
    from azureml_cluster_shares
    group by row_key
    having 1 - sum(share) > 0.0000001

),

matches as (

    select
        *,
        1 as share
    from sagemaker_matches

    union all

    select
        *,
        1 as share
    from vertex_matches

    union all

    select
        *,
        1 as share
    from azureml_matches

    union all

    select * from azureml_cluster_matches

),

sized as (

    select
        managed_rows.*,
        matches.workload_key,
        matches.workload_class,
        matches.allocation_method,
        matches.workload_name,
        matches.deployment_name,
        matches.run_id as job_run_id,
        matches.managed_spot,
        matches.spot_savings_ratio,
        matches.requests,
        coalesce(matches.share, 1) as share,
        row_number() over (
            partition by managed_rows.row_key
            order by matches.workload_key is null, matches.workload_key
        ) as piece,
        count(*) over (partition by managed_rows.row_key) as pieces,
        mlflow_runs.run_id as mlflow_run_id_found,
        mlflow_runs.experiment_name,
        mlflow_runs.root_run_id,
        mlflow_runs.gpu_utilization_avg,
        case
            when matches.workload_key is null or managed_rows.charge_category != 'Usage'
                then cast(null as {{ type_money() }})
            when
                managed_rows.provider = 'gcp'
                and (
                    lower(managed_rows.charge_description) like '%gpu%'
                    or lower(managed_rows.charge_description) like '%nvidia%'
                )
                then {{ to_money(
                    'managed_rows.consumed_quantity'
                    ~ " / case when lower(managed_rows.consumed_unit) = 'seconds' then 3600 else 1 end"
                ) }}
            when gpu_instance_catalog.gpu_count is not null
                then {{ to_money(
                    'managed_rows.consumed_quantity * gpu_instance_catalog.gpu_count * coalesce(matches.share, 1)'
                ) }}
        end as gpu_hours_allocated
    from managed_rows
    left join matches
        on managed_rows.row_key = matches.row_key
    left join gpu_instance_catalog
        on
            managed_rows.provider = gpu_instance_catalog.provider
            and lower(replace(managed_rows.x_instance_type, 'ml.', '')) = lower(gpu_instance_catalog.instance_type)
    left join mlflow_runs
        on matches.run_id = mlflow_runs.run_id

),

{# A line split among several jobs: each takes cost × share (money), the last piece (idle, else the last
   job) the remainder, so the pieces sum to the line exactly. #}
costed as (

    select
        sized.*,
        {{ to_money('sized.effective_cost * sized.share') }} as effective_cost_share,
        {{ to_money('sized.billed_cost * sized.share') }} as billed_cost_share,
        sum({{ to_money('sized.effective_cost * sized.share') }}) over (partition by sized.row_key)
            as effective_cost_shared,
        sum({{ to_money('sized.billed_cost * sized.share') }}) over (partition by sized.row_key)
            as billed_cost_shared
    from sized

),

allocated as (

    select
        provider,
        billing_account_id,
        sub_account_id,
        billing_period_start,
        billing_currency,
        cast(charge_period_start as date) as charge_date,
        hour_start,
        resource_id,
        source_line_id,
        commitment_discount_status as x_commitment_discount_status,
        workload_key,
        workload_class,
        team,
        model_name,
        coalesce(mlflow_run_id_found, job_run_id) as run_id,
        experiment_name,
        case
            when allocation_method = 'idle_capacity' then 'idle'
            when workload_key is null then 'unallocated'
            else 'managed_service'
        end as cost_class,
        coalesce(allocation_method, 'no_telemetry') as allocation_method,
        case when hour_start is not null then 'hourly_line' end as x_hour_basis,
        gpu_hours_allocated,
        {{ to_money('gpu_hours_allocated * gpu_utilization_avg / 100') }} as gpu_hours_used,
        case
            when piece = pieces then effective_cost_share + effective_cost - effective_cost_shared
            else effective_cost_share
        end as effective_cost,
        case
            when piece = pieces then billed_cost_share + billed_cost - billed_cost_shared
            else billed_cost_share
        end as billed_cost,
        case
            when provider = 'aws' then 'sagemaker'
            when provider = 'gcp' then 'vertex_ai'
            else 'azure_ml'
        end as x_managed_service,
        workload_name as x_workload_name,
        deployment_name as x_deployment_name,
        managed_spot as x_managed_spot,
        spot_savings_ratio as x_spot_savings_ratio,
        requests as x_requests,
        root_run_id as x_root_run_id
    from costed

)

select * from allocated
