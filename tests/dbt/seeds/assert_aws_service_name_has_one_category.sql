-- FOCUS 1.2: each ServiceName maps to exactly one ServiceCategory and SHOULD map to exactly one
-- ServiceSubcategory. Several product codes can share a service name (the real code and an alias,
-- e.g. awskms / AWSKMS), so this test checks the service name, not the product code.
-- Returns one row per service name that carries more than one (category, subcategory) pair.

with

aws_service_categories as (

    select * from {{ ref('aws_service_categories') }}

),

service_names_with_conflicts as (

    select
        service_name,
        count(distinct service_category) as n_categories,
        count(distinct service_subcategory) as n_subcategories
    from aws_service_categories
    group by service_name
    having
        count(distinct service_category) > 1
        or count(distinct service_subcategory) > 1

)

select * from service_names_with_conflicts
