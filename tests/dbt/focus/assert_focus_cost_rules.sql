{#- FOCUS cost rules: ListCost = ListUnitPrice x PricingQuantity (relative tolerance 1e-6) when both are
    set and the row is no correction; Credit rows have EffectiveCost = ListCost = ContractedCost = BilledCost;
    commitment purchases have EffectiveCost 0, PricingCategory Standard and ResourceId = CommitmentDiscountId. -#}

with

focus_rows as (

    select * from {{ ref('focus_cost_and_usage') }}

),

checks as (

    select
        x_source_line_id,
        ChargeCategory,
        BilledCost,
        EffectiveCost,
        ListCost,
        case
            when ListUnitPrice is not null and PricingQuantity is not null and ChargeClass is null
                and abs(ListCost - ListUnitPrice * PricingQuantity)
                > 1e-6 * abs(ListUnitPrice * PricingQuantity) + 1e-9
                then 'ListCost differs from ListUnitPrice x PricingQuantity'
            when ChargeCategory = 'Credit'
                and (EffectiveCost <> BilledCost or ListCost <> BilledCost or ContractedCost <> BilledCost)
                then 'Credit row whose Effective/List/ContractedCost differs from BilledCost'
            when ChargeCategory = 'Purchase' and CommitmentDiscountId is not null and ChargeClass is null
                and (EffectiveCost <> 0 or PricingCategory <> 'Standard' or ResourceId <> CommitmentDiscountId)
                then 'commitment purchase not Standard, not zero EffectiveCost or ResourceId not the commitment'
            when CommitmentDiscountStatus = 'Used' and PricingCategory <> 'Committed'
                then 'commitment-covered usage not priced as Committed'
        end as broken_rule
    from focus_rows

)

select * from checks
where broken_rule is not null
