{#- Every provider's charges in one FOCUS-shaped relation (snake_case). AWS today; Azure and GCP union in
    here with the same columns. -#}

with

aws_line_items as (

    select * from {{ ref('int_aws__focus_line_items') }}

),

unioned as (

    select * from aws_line_items

)

select * from unioned
