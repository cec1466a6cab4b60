-- FOCUS 1.2: each ServiceName has one ServiceCategory (and one ServiceSubcategory). GCP rows reach the FOCUS
-- dataset from the raw billing export (seed gcp_service_categories, by service.description) and from Google's
-- native FOCUS export (seed focus_native_service_categories, by ServiceName): a service both seeds list must
-- get the same pair from each. Returns one row per disagreement.

with

raw_export_services as (

    select * from {{ ref('gcp_service_categories') }}

),

native_services as (

    select * from {{ ref('focus_native_service_categories') }}
    where provider = 'gcp'

),

disagreements as (

    select
        raw_export_services.service_name,
        raw_export_services.service_category as raw_export_category,
        raw_export_services.service_subcategory as raw_export_subcategory,
        native_services.service_category as native_category,
        native_services.service_subcategory as native_subcategory
    from raw_export_services
    inner join native_services
        on raw_export_services.service_name = native_services.service_name
    where
        raw_export_services.service_category <> native_services.service_category
        or raw_export_services.service_subcategory <> native_services.service_subcategory

)

select * from disagreements
