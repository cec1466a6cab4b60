{#- One row per FOCUS usage line of a GPU instance × UTC hour it covers. An hourly line is one row
    (x_hour_basis `hourly_line`). A line longer than an hour (Azure cost details, daily CUR) is spread over the
    hours Kubernetes saw the node inside the line's period, weighted by seconds_observed (`telemetry_hours`),
    else evenly over every hour of the period (`even_24h`). Each hour but the last gets cost × weight / Σ
    weight; the last hour takes the rest, so the pieces of a line sum to the line exactly.
    GCP VMs with attached accelerators (N1 + T4 / V100): the GPU is its own SKU line ("Nvidia Tesla T4 GPU running
    in …", catalog row `nvidia-tesla-t4`), the machine type (`n1-standard-8`) is no catalog GPU type; every line of
    such a resource (GPU, core, RAM) is a fleet line, `accelerator_type` names the catalog accelerator and
    `accelerator_gpu_hours` carries the GPU line's GPU-hours in that hour. -#}

{{ config(materialized='table') }}

with

focus_rows as (

    select * from {{ ref('focus_cost_and_usage') }}

),

gpu_instance_catalog as (

    select * from {{ ref('gpu_instance_catalog') }}

),

nodes_hourly as (

    select * from {{ ref('stg_k8s__nodes_hourly') }}

),

{# GCP resources that ran an attached accelerator: a GPU SKU line whose description names a catalog accelerator
    (`Nvidia Tesla T4 GPU …` → `nvidia-tesla-t4`). #}
accelerator_lines as (

    select
        focus_rows.x_source_provider as provider,
        focus_rows.x_source_line_id as source_line_id,
        focus_rows.ResourceId as resource_id,
        catalog.instance_type as accelerator_type
    from focus_rows
    inner join gpu_instance_catalog as catalog
        on
            focus_rows.x_source_provider = catalog.provider
            and catalog.instance_type like 'nvidia-%'
            and replace(lower(focus_rows.ChargeDescription), ' ', '-') like catalog.instance_type || '-gpu%'
    where
        focus_rows.x_source_provider = 'gcp'
        and focus_rows.ChargeCategory = 'Usage'
        and focus_rows.ServiceCategory = 'Compute'
        and focus_rows.ResourceId is not null
        and coalesce(focus_rows.CommitmentDiscountStatus, 'Used') <> 'Unused'

),

accelerated_resources as (

    select
        provider,
        resource_id,
        max(accelerator_type) as accelerator_type
    from accelerator_lines
    group by provider, resource_id

),

{# Compute usage of GPU instance types and of GCP VMs with attached accelerators. Managed ML (SageMaker `ml.*`
    types, Azure ML compute, Vertex AI) is int_managed_ml_costs_allocated_to_workloads' business: the `ml.` types have no catalog row, and the other two
    are not in the Compute category or name an Azure ML resource. Unused-commitment rows name the commitment,
    not an instance. #}
gpu_lines as (

    select
        focus_rows.x_source_provider as provider,
        focus_rows.BillingAccountId as billing_account_id,
        focus_rows.SubAccountId as sub_account_id,
        focus_rows.BillingPeriodStart as billing_period_start,
        focus_rows.BillingCurrency as billing_currency,
        focus_rows.RegionId as region_id,
        focus_rows.ResourceId as resource_id,
        focus_rows.ResourceName as resource_name,
        case
            when focus_rows.x_source_provider = 'gcp' then lower(focus_rows.ResourceName)
            else lower(focus_rows.ResourceId)
        end as telemetry_resource_key,
        coalesce(catalog.instance_type, focus_rows.x_instance_type) as instance_type,
        case when catalog.instance_type is null then accelerated_resources.accelerator_type end as accelerator_type,
        case
            when accelerator_lines.source_line_id is not null and lower(focus_rows.ConsumedUnit) like 'second%'
                then focus_rows.ConsumedQuantity / 3600.0
            when accelerator_lines.source_line_id is not null then focus_rows.ConsumedQuantity
        end as accelerator_gpu_hours,
        focus_rows.PricingCategory as pricing_category,
        focus_rows.x_source_line_id as source_line_id,
        focus_rows.Tags as tags,
        {{ dbt.date_trunc('hour', 'focus_rows.ChargePeriodStart') }} as line_start,
        focus_rows.ChargePeriodEnd as line_end,
        greatest(
            {{ dbt.datediff(dbt.date_trunc('hour', 'focus_rows.ChargePeriodStart'), 'focus_rows.ChargePeriodEnd', 'hour') }},
            1
        ) as line_hours,
        focus_rows.CapacityReservationStatus as capacity_reservation_status,
        focus_rows.ConsumedQuantity as consumed_quantity,
        focus_rows.ConsumedUnit as consumed_unit,
        focus_rows.EffectiveCost as effective_cost,
        focus_rows.BilledCost as billed_cost
    from focus_rows
    left join gpu_instance_catalog as catalog
        on
            focus_rows.x_source_provider = catalog.provider
            and lower(focus_rows.x_instance_type) = lower(catalog.instance_type)
    left join accelerated_resources
        on
            focus_rows.x_source_provider = accelerated_resources.provider
            and focus_rows.ResourceId = accelerated_resources.resource_id
    left join accelerator_lines
        on
            focus_rows.x_source_provider = accelerator_lines.provider
            and focus_rows.x_source_line_id = accelerator_lines.source_line_id
    where
        (catalog.instance_type is not null or accelerated_resources.resource_id is not null)
        and focus_rows.ChargeCategory = 'Usage'
        and focus_rows.ServiceCategory = 'Compute'
        and focus_rows.ResourceId is not null
        and coalesce(focus_rows.CommitmentDiscountStatus, 'Used') <> 'Unused'
        and lower(focus_rows.ResourceId) not like '%/microsoft.machinelearningservices/%'

),

{# Seconds the billed resource's nodes were observed per hour (an Azure scale set bills all its instances as
    one resource). #}
node_hours as (

    select
        provider,
        lower(billed_resource_id) as telemetry_resource_key,
        hour_start,
        sum(least(seconds_observed, 3600)) as seconds_observed
    from nodes_hourly
    where billed_resource_id is not null
    group by provider, lower(billed_resource_id), hour_start

),

hourly_pieces as (

    select
        gpu_lines.*,
        gpu_lines.line_start as hour_start,
        {{ dbt.cast(1, type_double()) }} as hour_weight,
        'hourly_line' as x_hour_basis
    from gpu_lines
    where gpu_lines.line_hours = 1

),

telemetry_pieces as (

    select
        gpu_lines.*,
        node_hours.hour_start,
        {{ dbt.cast('node_hours.seconds_observed', type_double()) }} as hour_weight,
        'telemetry_hours' as x_hour_basis
    from gpu_lines
    inner join node_hours
        on
            gpu_lines.provider = node_hours.provider
            and gpu_lines.telemetry_resource_key = node_hours.telemetry_resource_key
            and gpu_lines.line_start <= node_hours.hour_start
            and gpu_lines.line_end > node_hours.hour_start
    where
        gpu_lines.line_hours > 1
        and node_hours.seconds_observed > 0

),

lines_with_telemetry as (

    select
        provider,
        source_line_id
    from telemetry_pieces
    group by provider, source_line_id

),

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

hour_offsets as (

    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as hour_offset
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones

),

even_pieces as (

    select
        gpu_lines.*,
        {{ dbt.cast(dbt.dateadd('hour', 'hour_offsets.hour_offset', 'gpu_lines.line_start'), dbt.type_timestamp()) }}
            as hour_start,
        {{ dbt.cast(1, type_double()) }} as hour_weight,
        'even_24h' as x_hour_basis
    from gpu_lines
    inner join hour_offsets
        on gpu_lines.line_hours > hour_offsets.hour_offset
    left join lines_with_telemetry
        on
            gpu_lines.provider = lines_with_telemetry.provider
            and gpu_lines.source_line_id = lines_with_telemetry.source_line_id
    where
        gpu_lines.line_hours > 1
        and lines_with_telemetry.source_line_id is null

),

pieces as (

    select * from hourly_pieces
    union all
    select * from telemetry_pieces
    union all
    select * from even_pieces

),

weighted as (

    select
        pieces.*,
        sum(pieces.hour_weight) over (partition by pieces.provider, pieces.source_line_id) as line_weight,
        row_number() over (
            partition by pieces.provider, pieces.source_line_id
            order by pieces.hour_start desc
        ) as hours_from_end
    from pieces

),

shares as (

    select
        weighted.*,
        case
            when weighted.hours_from_end > 1
                then {{ to_money('weighted.effective_cost * weighted.hour_weight / weighted.line_weight') }}
        end as effective_cost_before_last,
        case
            when weighted.hours_from_end > 1
                then {{ to_money('weighted.billed_cost * weighted.hour_weight / weighted.line_weight') }}
        end as billed_cost_before_last
    from weighted

),

spread as (

    select
        shares.provider,
        shares.billing_account_id,
        shares.sub_account_id,
        shares.billing_period_start,
        shares.billing_currency,
        shares.region_id,
        shares.resource_id,
        shares.resource_name,
        shares.telemetry_resource_key,
        shares.instance_type,
        shares.accelerator_type,
        shares.accelerator_gpu_hours * shares.hour_weight / shares.line_weight as accelerator_gpu_hours,
        shares.pricing_category,
        shares.source_line_id,
        shares.tags,
        shares.hour_start,
        cast(shares.hour_start as date) as charge_date,
        {{ dbt.concat([
            'shares.provider', "'|'", 'shares.billing_account_id', "'|'", "coalesce(shares.sub_account_id, '')",
            "'|'", "coalesce(shares.region_id, '')", "'|'", 'shares.resource_id', "'|'",
            dbt.cast('shares.hour_start', dbt.type_string()),
        ]) }} as resource_hour_id,
        shares.x_hour_basis,
        shares.line_hours,
        shares.hour_weight / shares.line_weight as hour_share,
        shares.consumed_quantity * shares.hour_weight / shares.line_weight as consumed_quantity,
        shares.consumed_unit,
        shares.capacity_reservation_status,
        case
            when shares.hours_from_end = 1
                then shares.effective_cost - coalesce(
                    sum(shares.effective_cost_before_last) over (
                        partition by shares.provider, shares.source_line_id
                    ),
                    0
                )
            else shares.effective_cost_before_last
        end as effective_cost,
        case
            when shares.hours_from_end = 1
                then shares.billed_cost - coalesce(
                    sum(shares.billed_cost_before_last) over (
                        partition by shares.provider, shares.source_line_id
                    ),
                    0
                )
            else shares.billed_cost_before_last
        end as billed_cost
    from shares

)

select * from spread
