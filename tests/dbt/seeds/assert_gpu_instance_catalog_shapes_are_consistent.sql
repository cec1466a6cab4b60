-- Shape invariants the GPU cost models rely on. Returns one row per broken catalog row:
--   * gpu_count must be positive. Fractional shares such as g6f (0.125 of one L4) are allowed.
--   * gpu_memory_total_gb = gpu_count x gpu_memory_per_gpu_gb, within 0.5 GB.
--   * a list price, when present, must be positive.

with

gpu_instance_catalog as (

    select * from {{ ref('gpu_instance_catalog') }}

),

broken_rows as (

    select
        provider,
        instance_type,
        gpu_count,
        gpu_memory_per_gpu_gb,
        gpu_memory_total_gb,
        ondemand_usd_per_hour
    from gpu_instance_catalog
    where
        gpu_count is null
        or gpu_count <= 0
        or abs(gpu_memory_total_gb - gpu_count * gpu_memory_per_gpu_gb) > 0.5
        or ondemand_usd_per_hour <= 0

)

select * from broken_rows
