{#- Storage, data transfer, experiment-tracking storage and preprocessing CPU: the costs that travel with ML
    workloads but sit on other lines of the bill. One allocation row (docs/telemetry_contract.md) per line and
    recipient. A cross-region transfer line out of a bucket goes to the runs active in its charge period whose
    declared dataset, checkpoint or artifact URI is in that bucket, split by their GPU-hours in the period
    (`runs_by_gpu_hours`, the last run takes the rounding remainder so the line is conserved exactly); every
    other line goes to its team tag (`tag`, and to the MLflow run its `mlflow_run_id` tag names) or to the
    owner of its account / subscription / project (`owner_seed`). A line with neither is not emitted:
    int_workload_costs_unioned keeps it as `unattributed`. Lines of accelerated instance types (gpu_instance_catalog), AI-service lines and the lines
    int_managed_ml_costs_allocated_to_workloads owns (macro is_managed_ml_line_item) are left to the GPU and
    managed-ML producers. -#}

with

tagged_line_items as (

    select * from {{ ref('int_focus_line_items_tagged') }}

),

gpu_instance_catalog as (

    select * from {{ ref('gpu_instance_catalog') }}

),

mlflow_runs as (

    select * from {{ ref('stg_mlflow__runs') }}

),

sagemaker_training_jobs as (

    select * from {{ ref('stg_sagemaker__training_jobs') }}

),

gpu_instance_types as (

    select
        gpu_instance_catalog.provider,
        gpu_instance_catalog.instance_type,
        gpu_instance_catalog.gpu_count
    from gpu_instance_catalog
    where gpu_instance_catalog.gpu_count > 0

),

declared_uris as (

    {#- Where each run declares its data: SageMaker checkpoint URI; MLflow artifact root and the dataset /
        checkpoint URIs in its params or tags. A URI outside object storage yields no bucket and is dropped. -#}
    select
        'sagemaker-training:' || sagemaker_training_jobs.training_job_arn_key as workload_key,
        sagemaker_training_jobs.mlflow_run_id as run_id,
        sagemaker_training_jobs.experiment_name,
        sagemaker_training_jobs.training_start_time as run_start,
        sagemaker_training_jobs.training_end_time as run_end,
        sagemaker_training_jobs.instance_count * gpu_instance_types.gpu_count as gpu_count,
        sagemaker_training_jobs.checkpoint_s3_uri as uri,
        'checkpoint' as uri_role
    from sagemaker_training_jobs
    inner join gpu_instance_types
        on
            gpu_instance_types.provider = 'aws'
            and gpu_instance_types.instance_type = replace(sagemaker_training_jobs.instance_type, 'ml.', '')
    where sagemaker_training_jobs.checkpoint_s3_uri is not null

    {%- for role, source in [
        ('artifacts', 'mlflow_runs.artifact_uri'),
        ('dataset', json_text_value('mlflow_runs.params', "'dataset_uri'")),
        ('dataset', json_text_value('mlflow_runs.tags', "'dataset_uri'")),
        ('checkpoint', json_text_value('mlflow_runs.params', "'checkpoint_uri'")),
        ('checkpoint', json_text_value('mlflow_runs.tags', "'checkpoint_uri'")),
    ] %}

        union all

        select
            'mlflow-run:' || mlflow_runs.run_id as workload_key,
            mlflow_runs.run_id,
            mlflow_runs.experiment_name,
            mlflow_runs.start_time as run_start,
            mlflow_runs.end_time as run_end,
            mlflow_runs.gpu_count_seen as gpu_count,
            {{ source }} as uri,
            '{{ role }}' as uri_role
        from mlflow_runs
    {%- endfor %}

),

run_buckets as (

    {#- One row per run x bucket; an MLflow run that a SageMaker job already declares (same run id) is that job. -#}
    select
        declared_uris.workload_key,
        declared_uris.run_id,
        declared_uris.experiment_name,
        declared_uris.run_start,
        declared_uris.run_end,
        declared_uris.gpu_count,
        {{ storage_bucket_of_uri('declared_uris.uri') }} as bucket,
        max(case when declared_uris.uri_role = 'artifacts' then 1 else 0 end) as is_artifact_store
    from declared_uris
    where
        declared_uris.gpu_count > 0
        and declared_uris.run_start is not null
        and not (
            declared_uris.workload_key like 'mlflow-run:%'
            and declared_uris.run_id in (
                select sagemaker_training_jobs.mlflow_run_id
                from sagemaker_training_jobs
                where sagemaker_training_jobs.mlflow_run_id is not null
            )
        )
    group by
        declared_uris.workload_key,
        declared_uris.run_id,
        declared_uris.experiment_name,
        declared_uris.run_start,
        declared_uris.run_end,
        declared_uris.gpu_count,
        {{ storage_bucket_of_uri('declared_uris.uri') }}

),

tracking_buckets as (

    select run_buckets.bucket
    from run_buckets
    where run_buckets.is_artifact_store = 1 and run_buckets.bucket is not null
    group by run_buckets.bucket

),

hidden_line_items as (

    select
        tagged_line_items.*,
        lower({{ azure_last_segment('tagged_line_items.resource_id') }}) as bucket,
        lower(concat(
            coalesce(tagged_line_items.x_usage_type, ''), ' ', coalesce(tagged_line_items.charge_description, '')
        )) as usage_text
    from tagged_line_items
    left join gpu_instance_catalog
        on
            tagged_line_items.provider = gpu_instance_catalog.provider
            and lower(tagged_line_items.x_instance_type) = lower(gpu_instance_catalog.instance_type)
    where
        tagged_line_items.charge_category = 'Usage'
        and coalesce(tagged_line_items.commitment_discount_status, 'Used') != 'Unused'
        and tagged_line_items.resource_id is not null
        and coalesce(tagged_line_items.x_line_item_type, '') not like '%Discount%'
        and gpu_instance_catalog.instance_type is null
        and tagged_line_items.service_category != 'AI and Machine Learning'
        and not coalesce({{ is_managed_ml_line_item(
            'tagged_line_items.provider',
            'tagged_line_items.service_name',
            'tagged_line_items.resource_id',
            'tagged_line_items.tags',
        ) }}, false)
        and (
            tagged_line_items.service_category in ('Storage', 'Networking')
            or tagged_line_items.x_usage_type like '%Bytes%'
            or (tagged_line_items.service_category = 'Compute' and tagged_line_items.workload_tag = 'preprocessing')
        )

),

classified_line_items as (

    select
        hidden_line_items.*,
        (
            hidden_line_items.usage_text like '%-aws-out-bytes%'
            or hidden_line_items.usage_text like '%-aws-in-bytes%'
            or hidden_line_items.usage_text like '%inter-region%'
            or hidden_line_items.usage_text like '%inter region%'
        ) as is_cross_region_transfer,
        case
            when
                hidden_line_items.bucket in (select tracking_buckets.bucket from tracking_buckets)
                or hidden_line_items.workload_tag in ('tracking', 'experiment-tracking', 'mlflow')
                then 'tracking_storage'
            when
                hidden_line_items.service_category = 'Compute'
                and hidden_line_items.workload_tag = 'preprocessing'
                and hidden_line_items.x_usage_type not like '%Bytes%'
                then 'preprocessing'
            when
                hidden_line_items.service_category = 'Networking'
                or hidden_line_items.x_usage_type like '%Bytes%'
                or hidden_line_items.usage_text like '%transfer%'
                or hidden_line_items.usage_text like '%egress%'
                then 'network'
            else 'storage'
        end as cost_class
    from hidden_line_items

),

transfer_run_candidates as (

    {#- Runs active in a cross-region line's charge period that declared data in its bucket, with their GPU-hours
        inside the period. -#}
    select
        classified_line_items.provider,
        classified_line_items.x_source_line_id,
        classified_line_items.commitment_discount_status,
        run_buckets.workload_key,
        run_buckets.run_id,
        run_buckets.experiment_name,
        run_buckets.gpu_count * {{ dbt.datediff(
            'case when run_buckets.run_start > classified_line_items.charge_period_start'
            ~ ' then run_buckets.run_start else classified_line_items.charge_period_start end',
            'case when coalesce(run_buckets.run_end, classified_line_items.charge_period_end)'
            ~ ' < classified_line_items.charge_period_end'
            ~ ' then coalesce(run_buckets.run_end, classified_line_items.charge_period_end)'
            ~ ' else classified_line_items.charge_period_end end',
            'second',
        ) }} / 3600.0 as run_gpu_hours
    from classified_line_items
    inner join run_buckets
        on
            classified_line_items.bucket = run_buckets.bucket
            and classified_line_items.charge_period_end > run_buckets.run_start
            and coalesce(run_buckets.run_end, classified_line_items.charge_period_end)
            > classified_line_items.charge_period_start
    where classified_line_items.is_cross_region_transfer

),

transfer_run_shares as (

    select
        transfer_run_candidates.*,
        {{ to_money('transfer_run_candidates.run_gpu_hours') }}
        / sum({{ to_money('transfer_run_candidates.run_gpu_hours') }}) over (
            partition by
                transfer_run_candidates.provider,
                transfer_run_candidates.x_source_line_id,
                transfer_run_candidates.commitment_discount_status
        ) as share,
        row_number() over (
            partition by
                transfer_run_candidates.provider,
                transfer_run_candidates.x_source_line_id,
                transfer_run_candidates.commitment_discount_status
            order by transfer_run_candidates.workload_key desc
        ) as reverse_rank
    from transfer_run_candidates
    where transfer_run_candidates.run_gpu_hours > 0

),

transfer_run_amounts as (

    select
        transfer_run_shares.*,
        {{ to_money('classified_line_items.effective_cost * transfer_run_shares.share') }} as raw_effective_cost,
        {{ to_money('classified_line_items.billed_cost * transfer_run_shares.share') }} as raw_billed_cost,
        classified_line_items.effective_cost as line_effective_cost,
        classified_line_items.billed_cost as line_billed_cost
    from transfer_run_shares
    inner join classified_line_items
        on
            transfer_run_shares.provider = classified_line_items.provider
            and transfer_run_shares.x_source_line_id = classified_line_items.x_source_line_id
            and coalesce(transfer_run_shares.commitment_discount_status, '')
            = coalesce(classified_line_items.commitment_discount_status, '')

),

transfer_run_allocations as (

    {#- The run ranked last takes line cost minus the others' rounded amounts: Σ = the line, to the last digit. -#}
    select
        transfer_run_amounts.provider,
        transfer_run_amounts.x_source_line_id,
        transfer_run_amounts.commitment_discount_status,
        transfer_run_amounts.workload_key,
        transfer_run_amounts.run_id,
        transfer_run_amounts.experiment_name,
        transfer_run_amounts.run_gpu_hours,
        case
            when transfer_run_amounts.reverse_rank = 1
                then transfer_run_amounts.line_effective_cost - coalesce(sum(transfer_run_amounts.raw_effective_cost) over (
                    partition by
                        transfer_run_amounts.provider,
                        transfer_run_amounts.x_source_line_id,
                        transfer_run_amounts.commitment_discount_status
                    order by transfer_run_amounts.reverse_rank desc
                    rows between unbounded preceding and 1 preceding
                ), 0)
            else transfer_run_amounts.raw_effective_cost
        end as effective_cost,
        case
            when transfer_run_amounts.reverse_rank = 1
                then transfer_run_amounts.line_billed_cost - coalesce(sum(transfer_run_amounts.raw_billed_cost) over (
                    partition by
                        transfer_run_amounts.provider,
                        transfer_run_amounts.x_source_line_id,
                        transfer_run_amounts.commitment_discount_status
                    order by transfer_run_amounts.reverse_rank desc
                    rows between unbounded preceding and 1 preceding
                ), 0)
            else transfer_run_amounts.raw_billed_cost
        end as billed_cost
    from transfer_run_amounts

),

line_allocations as (

    select
        classified_line_items.provider,
        classified_line_items.billing_account_id,
        classified_line_items.sub_account_id,
        classified_line_items.billing_period_start,
        classified_line_items.billing_currency,
        cast(classified_line_items.charge_period_start as date) as charge_date,
        {{ dbt.cast('null', dbt.type_timestamp()) }} as hour_start,
        classified_line_items.resource_id,
        classified_line_items.x_source_line_id as source_line_id,
        transfer_run_allocations.workload_key,
        {{ dbt.cast('null', dbt.type_string()) }} as workload_class,
        classified_line_items.team,
        classified_line_items.model_name,
        transfer_run_allocations.run_id,
        transfer_run_allocations.experiment_name,
        classified_line_items.cost_class,
        'runs_by_gpu_hours' as allocation_method,
        {{ dbt.cast('null', dbt.type_string()) }} as x_hour_basis,
        {{ to_money('null') }} as gpu_hours_allocated,
        {{ to_money('null') }} as gpu_hours_used,
        {{ to_money('transfer_run_allocations.effective_cost') }} as effective_cost,
        {{ to_money('transfer_run_allocations.billed_cost') }} as billed_cost
    from classified_line_items
    inner join transfer_run_allocations
        on
            classified_line_items.provider = transfer_run_allocations.provider
            and classified_line_items.x_source_line_id = transfer_run_allocations.x_source_line_id
            and coalesce(classified_line_items.commitment_discount_status, '')
            = coalesce(transfer_run_allocations.commitment_discount_status, '')

    union all

    select
        classified_line_items.provider,
        classified_line_items.billing_account_id,
        classified_line_items.sub_account_id,
        classified_line_items.billing_period_start,
        classified_line_items.billing_currency,
        cast(classified_line_items.charge_period_start as date) as charge_date,
        {{ dbt.cast('null', dbt.type_timestamp()) }} as hour_start,
        classified_line_items.resource_id,
        classified_line_items.x_source_line_id as source_line_id,
        case
            when classified_line_items.mlflow_run_id is not null
                then 'mlflow-run:' || classified_line_items.mlflow_run_id
        end as workload_key,
        {{ dbt.cast('null', dbt.type_string()) }} as workload_class,
        classified_line_items.team,
        classified_line_items.model_name,
        classified_line_items.mlflow_run_id as run_id,
        {{ dbt.cast('null', dbt.type_string()) }} as experiment_name,
        classified_line_items.cost_class,
        coalesce(classified_line_items.team_source, 'tag') as allocation_method,
        {{ dbt.cast('null', dbt.type_string()) }} as x_hour_basis,
        {{ to_money('null') }} as gpu_hours_allocated,
        {{ to_money('null') }} as gpu_hours_used,
        classified_line_items.effective_cost,
        classified_line_items.billed_cost
    from classified_line_items
    left join transfer_run_allocations
        on
            classified_line_items.provider = transfer_run_allocations.provider
            and classified_line_items.x_source_line_id = transfer_run_allocations.x_source_line_id
            and coalesce(classified_line_items.commitment_discount_status, '')
            = coalesce(transfer_run_allocations.commitment_discount_status, '')
    where
        transfer_run_allocations.x_source_line_id is null
        and (classified_line_items.team_source is not null or classified_line_items.mlflow_run_id is not null)

)

select * from line_allocations
