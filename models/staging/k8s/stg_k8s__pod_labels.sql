{#- One row per cluster × pod uid: the pod's latest labels and owner (source k8s.k8s_pod_labels, one row per
    pod per landed cluster-day). A pod that runs across midnight lands in two deliveries; the row seen last
    wins. No joins. -#}

with

source as (

    select * from {{ source('k8s', 'k8s_pod_labels') }}

),

ranked as (

    select
        provider,
        cluster,
        namespace,
        pod,
        pod_uid,
        node,
        labels,
        owner_kind,
        owner_name,
        {{ dbt.cast('first_seen', dbt.type_timestamp()) }} as first_seen,
        {{ dbt.cast('last_seen', dbt.type_timestamp()) }} as last_seen,
        _delivery_id as delivery_id,
        {{ dbt.cast('_loaded_at', dbt.type_timestamp()) }} as loaded_at,
        min(first_seen) over (partition by cluster, pod_uid) as pod_first_seen,
        row_number() over (
            partition by cluster, pod_uid
            order by last_seen desc, _loaded_at desc, _delivery_id desc
        ) as recency_rank
    from source

),

latest as (

    select
        provider,
        cluster,
        namespace,
        pod,
        pod_uid,
        node,
        labels,
        owner_kind,
        owner_name,
        {{ dbt.cast('pod_first_seen', dbt.type_timestamp()) }} as first_seen,
        last_seen,
        delivery_id,
        loaded_at
    from ranked
    where recency_rank = 1

)

select * from latest
