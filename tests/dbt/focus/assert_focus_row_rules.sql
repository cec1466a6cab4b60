{#- FOCUS 1.2 row rules the official validator does not check per row (focus.md §3.2, §8). Each failing
    row names the first rule it breaks.
    - Nullability by ChargeCategory, ChargeClass and commitment status; unit/quantity, name/id, type/id and
      status/id pairs.
    - ListCost = ListUnitPrice x PricingQuantity (relative tolerance 1e-6) when both are set and the row is
      no correction; Credit rows have EffectiveCost = ListCost = ContractedCost = BilledCost; commitment
      purchases have EffectiveCost 0 (unless only Azure's actual dataset has landed for the period:
      EffectiveCost = BilledCost, x_amortization_available false), PricingCategory Standard and ResourceId = CommitmentDiscountId. -#}

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
        case
            when
                ListUnitPrice is not null and PricingQuantity is not null and ChargeClass is null
                and abs(ListCost - ListUnitPrice * PricingQuantity)
                > 1e-6 * abs(ListUnitPrice * PricingQuantity) + 1e-9
                then 'ListCost differs from ListUnitPrice x PricingQuantity'
            when
                ChargeCategory = 'Credit'
                and (EffectiveCost <> BilledCost or ListCost <> BilledCost or ContractedCost <> BilledCost)
                then 'Credit row whose Effective/List/ContractedCost differs from BilledCost'
            when
                ChargeCategory = 'Purchase' and CommitmentDiscountId is not null and ChargeClass is null
                and (
                    (EffectiveCost <> 0 and x_amortization_available)
                    or PricingCategory <> 'Standard' or ResourceId <> CommitmentDiscountId
                )
                then 'commitment purchase not Standard, not zero EffectiveCost or ResourceId not the commitment'
            when CommitmentDiscountStatus = 'Used' and PricingCategory <> 'Committed'
                then 'commitment-covered usage not priced as Committed'
            when
                ChargeCategory = 'Tax' and (
                    PricingQuantity is not null or PricingCategory is not null
                    or SkuId is not null or SkuPriceId is not null or ListUnitPrice is not null
                )
                then 'Tax row with a pricing quantity, pricing category, SKU or list unit price'
            when
                ChargeCategory in ('Usage', 'Purchase') and ChargeClass is null
                and (PricingQuantity is null or PricingCategory is null)
                then 'Usage/Purchase row without PricingQuantity or PricingCategory'
            when ConsumedQuantity is not null and (ChargeCategory <> 'Usage' or CommitmentDiscountStatus = 'Unused')
                then 'ConsumedQuantity outside a used Usage row'
            when (PricingUnit is null) <> (PricingQuantity is null)
                then 'PricingUnit and PricingQuantity not null together'
            when (ConsumedUnit is null) <> (ConsumedQuantity is null)
                then 'ConsumedUnit and ConsumedQuantity not null together'
            when CapacityReservationStatus is not null and CapacityReservationId is null
                then 'CapacityReservationStatus without a CapacityReservationId'
            when (ResourceType is null) <> (ResourceId is null)
                then 'ResourceType and ResourceId not null together'
            when SkuId is not null and SkuMeter is null
                then 'SkuId without SkuMeter'
            when (RegionName is null) <> (RegionId is null)
                then 'RegionName and RegionId not null together'
            when
                CommitmentDiscountId is null and (
                    CommitmentDiscountStatus is not null
                    or CommitmentDiscountCategory is not null or CommitmentDiscountQuantity is not null
                )
                then 'commitment attributes without a CommitmentDiscountId'
            when CommitmentDiscountId is not null and ChargeCategory = 'Usage' and CommitmentDiscountStatus is null
                then 'commitment usage without CommitmentDiscountStatus'
            when
                CommitmentDiscountId is not null and ChargeCategory in ('Usage', 'Purchase')
                and (CommitmentDiscountQuantity is null) <> (ChargeClass is not null)
                then 'CommitmentDiscountQuantity missing on a commitment row, or set on a correction'
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
