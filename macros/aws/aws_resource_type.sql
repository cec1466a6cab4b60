{#- FOCUS ResourceType of an AWS resource id: the resource-type segment of an ARN
    (`arn:aws:ec2:us-east-1:1:reserved-instances/ri-1` -> `reserved-instances`), the kind an EC2 id prefix
    names (`i-` instance, `vol-` volume, `snap-` snapshot, `eni-` network interface), otherwise the CUR
    product family (`Storage`, `Data Transfer`, ...). Null exactly when the resource id is null. -#}
{% macro aws_resource_type(resource_id, product_family) -%}
    case
        when {{ resource_id }} is null then null
        when {{ resource_id }} like 'arn:aws:s3:%' then 'bucket'
        when {{ resource_id }} like 'arn:%'
            then coalesce(
                nullif({{ dbt.split_part(dbt.split_part(resource_id, "':'", 6), "'/'", 1) }}, ''),
                {{ dbt.split_part(resource_id, "':'", 3) }}
            )
        when {{ resource_id }} like 'i-%' then 'instance'
        when {{ resource_id }} like 'vol-%' then 'volume'
        when {{ resource_id }} like 'snap-%' then 'snapshot'
        when {{ resource_id }} like 'eni-%' then 'network-interface'
        else coalesce({{ product_family }}, 'resource')
    end
{%- endmacro %}
