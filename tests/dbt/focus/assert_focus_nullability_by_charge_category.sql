{#- FOCUS 1.2 nullability rules the official validator does not check per row (focus.md §3.2). Each
    failing row names the rule it breaks. -#}

with

focus_rows as (

    select * from {{ ref('focus_cost_and_usage') }}

),

checks as (

    select
        x_source_line_id,
        ChargeCategory,
        case
            when ChargeCategory = 'Tax' and (PricingQuantity is not null or PricingCategory is not null
                or SkuId is not null or SkuPriceId is not null or ListUnitPrice is not null)
                then 'Tax row with a pricing quantity, pricing category, SKU or list unit price'
            when ChargeCategory in ('Usage', 'Purchase') and ChargeClass is null
                and (PricingQuantity is null or PricingCategory is null)
                then 'Usage/Purchase row without PricingQuantity or PricingCategory'
            when ConsumedQuantity is not null and (ChargeCategory <> 'Usage' or CommitmentDiscountStatus = 'Unused')
                then 'ConsumedQuantity outside a used Usage row'
            when (PricingUnit is null) <> (PricingQuantity is null)
                then 'PricingUnit and PricingQuantity not null together'
            when (ConsumedUnit is null) <> (ConsumedQuantity is null)
                then 'ConsumedUnit and ConsumedQuantity not null together'
            when (RegionName is null) <> (RegionId is null)
                then 'RegionName and RegionId not null together'
            when CommitmentDiscountId is null and (CommitmentDiscountStatus is not null
                or CommitmentDiscountCategory is not null or CommitmentDiscountQuantity is not null)
                then 'commitment attributes without a CommitmentDiscountId'
            when CommitmentDiscountId is not null and ChargeCategory = 'Usage' and CommitmentDiscountStatus is null
                then 'commitment usage without CommitmentDiscountStatus'
            when CommitmentDiscountId is not null and ChargeCategory in ('Usage', 'Purchase')
                and CommitmentDiscountQuantity is null
                then 'commitment row without CommitmentDiscountQuantity'
            when (CommitmentDiscountUnit is null) <> (CommitmentDiscountQuantity is null)
                then 'CommitmentDiscountUnit and CommitmentDiscountQuantity not null together'
            when ChargeClass is not null and ChargeClass <> 'Correction'
                then 'ChargeClass other than Correction'
            when ChargePeriodStart > ChargePeriodEnd or BillingPeriodStart >= BillingPeriodEnd
                then 'period ends before it starts'
        end as broken_rule
    from focus_rows

)

select * from checks
where broken_rule is not null
