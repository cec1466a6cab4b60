{#- CUR line item types that carry a negotiated or bundled discount as a line of its own. -#}
{% macro aws_discount_line_item_types() -%}
    'EdpDiscount', 'PrivateRateDiscount', 'BundledDiscount', 'Discount', 'SppDiscount', 'DistributorDiscount'
{%- endmacro %}
