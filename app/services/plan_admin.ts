import type Tenant from '#models/tenant'
import { findTenantForBilling } from '#services/billing'
import { FEATURES, LIMITS, type Feature, type Limit, type PlanName } from '#services/plan_catalog'
import { entitlementsOf } from '#services/plans'
import { tenantRefOf } from '#tenancy/tenant_ref'

export interface PlanChange {
  plan?: PlanName
  /* A figure of the blog's own, or null to return to the plan's. */
  limits?: Partial<Record<Limit, number | null>>
  features?: Partial<Record<Feature, boolean | null>>
}

/*
 * An administrator's change to a blog's plan or its own limits and features. Saving the
 * row is enough for every server: the tenants trigger drops the blog's cached host and
 * pages, so the next request sees the new entitlements.
 */
export async function changePlan(schemaName: string, change: PlanChange): Promise<Tenant> {
  const tenant = await findTenantForBilling(schemaName)
  if (change.plan) {
    tenant.plan = change.plan
    tenant.onTrial = change.plan === 'trial'
  }
  if (change.limits) tenant.limitOverrides = merged(tenant.limitOverrides, change.limits)
  if (change.features) tenant.featureOverrides = merged(tenant.featureOverrides, change.features)
  await tenant.save()
  return tenant
}

function merged<T>(current: Record<string, T>, change: Record<string, T | null | undefined>) {
  const next = { ...current }
  for (const [key, value] of Object.entries(change)) {
    if (value === null) delete next[key]
    else if (value !== undefined) next[key] = value
  }
  return next
}

/*
 * Applies the change when there is one, and says where the blog stands.
 */
export async function changePlanAndReport(schemaName: string, change: PlanChange | null) {
  return planReport(change ? await changePlan(schemaName, change) : await findTenantForBilling(schemaName))
}

/*
 * What `tenants:plan` and `tenants:features` print: each figure and feature, and whether
 * it is the blog's own or its plan's.
 */
export function planReport(tenant: Tenant) {
  const entitlements = entitlementsOf(tenantRefOf(tenant))
  return {
    schema: tenant.schemaName,
    plan: entitlements.plan,
    label: entitlements.label,
    onTrial: tenant.onTrial,
    limits: Object.fromEntries(
      LIMITS.map((limit) => [limit, { value: entitlements.limits[limit], own: entitlements.ownLimits.includes(limit) }])
    ),
    features: Object.fromEntries(
      FEATURES.map((feature) => [
        feature,
        { enabled: entitlements.features[feature], own: entitlements.ownFeatures.includes(feature) },
      ])
    ),
  }
}
