import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import plans from '#config/plans'
import {
  FEATURES,
  FEATURE_SUBJECTS,
  LIMITS,
  LIMIT_LABELS,
  PLAN_NAMES,
  isPlanName,
  type Feature,
  type Limit,
  type PlanName,
} from '#services/plan_catalog'
import type { TenantRef } from '#tenancy/types'

export interface Entitlements {
  plan: PlanName
  label: string
  limits: Record<Limit, number>
  features: Record<Feature, boolean>
  /* What this blog has of its own, on top of its plan. */
  ownLimits: Limit[]
  ownFeatures: Feature[]
}

/*
 * The one place that says what a blog may do: its plan's limits and features, with the
 * blog's own overrides on top. Host-cache entries are frozen and shared, so the answer is
 * kept beside each one.
 */
const resolved = new WeakMap<TenantRef, Entitlements>()

export function entitlementsOf(blog: TenantRef): Entitlements {
  let entitlements = resolved.get(blog)
  if (!entitlements) {
    entitlements = resolve(blog)
    resolved.set(blog, entitlements)
  }
  return entitlements
}

function resolve(blog: TenantRef): Entitlements {
  const plan: PlanName = isPlanName(blog.plan) ? blog.plan : 'trial'
  const definition = plans[plan]
  const ownLimits = LIMITS.filter((limit) => Number.isInteger(blog.limitOverrides[limit]))
  const ownFeatures = FEATURES.filter((feature) => typeof blog.featureOverrides[feature] === 'boolean')
  const limits = { ...definition.limits }
  for (const limit of ownLimits) limits[limit] = blog.limitOverrides[limit]
  const features = Object.fromEntries(
    FEATURES.map((feature) => [
      feature,
      ownFeatures.includes(feature) ? blog.featureOverrides[feature] : definition.features.includes(feature),
    ])
  ) as Record<Feature, boolean>
  return { plan, label: definition.label, limits, features, ownLimits, ownFeatures }
}

export function limitOf(blog: TenantRef, limit: Limit) {
  return entitlementsOf(blog).limits[limit]
}

export function hasFeature(blog: TenantRef, feature: Feature) {
  return entitlementsOf(blog).features[feature]
}

/*
 * The cheapest plan above the blog's that would lift the limit or give the feature.
 */
function upgradeFor(blog: TenantRef, wants: (plan: PlanName) => boolean) {
  const current = PLAN_NAMES.indexOf(entitlementsOf(blog).plan)
  const next = PLAN_NAMES.slice(current + 1).find(wants)
  return next ? plans[next] : null
}

/*
 * Why a blog does not have a feature, in words its owner or a visitor can act on.
 */
export function featureRefusal(blog: TenantRef, feature: Feature) {
  const { label, ownFeatures } = entitlementsOf(blog)
  const subject = FEATURE_SUBJECTS[feature]
  if (ownFeatures.includes(feature)) return `${subject} turned off for this blog by EchoBlogs support.`
  const upgrade = upgradeFor(blog, (plan) => plans[plan].features.includes(feature))
  return `${subject} not part of the ${label} plan${upgrade ? `; the ${upgrade.label} plan includes this (ask EchoBlogs support)` : ''}.`
}

export function limitRefusal(blog: TenantRef, limit: Limit) {
  const { label, limits, ownLimits } = entitlementsOf(blog)
  const figure = `${limits[limit].toLocaleString('en')} ${LIMIT_LABELS[limit]}`
  const whose = ownLimits.includes(limit) ? 'set for this blog' : `on the ${label} plan`
  const upgrade = upgradeFor(blog, (plan) => plans[plan].limits[limit] > limits[limit])
  const lift = upgrade
    ? `the ${upgrade.label} plan allows ${upgrade.limits[limit].toLocaleString('en')} (ask EchoBlogs support)`
    : 'ask EchoBlogs support to raise the limit of your blog'
  return `This blog has reached its limit of ${figure} ${whose}. Make room, or ${lift}.`
}

/*
 * Writing past one of the blog's limits: a page that says which limit and how to lift
 * it, and nothing is saved.
 */
export class LimitReached extends Exception {
  static status = 403
  static code = 'E_PLAN_LIMIT'

  constructor(
    private blog: TenantRef,
    readonly limit: Limit
  ) {
    super(`Limit reached: ${limit}`)
  }

  async handle(_: this, ctx: HttpContext) {
    ctx.response.status(403).send(
      await ctx.view.render('pages/errors/client_error', {
        status: 403,
        title: 'Limit reached',
        message: limitRefusal(this.blog, this.limit),
        unknownHost: false,
        blog: ctx.tenant,
      })
    )
  }
}

/*
 * A page or action of a feature the blog does not have: 404 for pages (nothing is
 * there), 403 for an action its owner tried. The page says which feature and why.
 */
export class FeatureUnavailable extends Exception {
  static code = 'E_FEATURE_UNAVAILABLE'

  constructor(
    private blog: TenantRef,
    readonly feature: Feature,
    status: 403 | 404
  ) {
    super(`Feature unavailable: ${feature}`, { status })
  }

  async handle(_: this, ctx: HttpContext) {
    ctx.response.status(this.status).send(
      await ctx.view.render('pages/errors/client_error', {
        status: this.status,
        title: 'Not available on this blog',
        message: featureRefusal(this.blog, this.feature),
        unknownHost: false,
        blog: ctx.tenant,
      })
    )
  }
}
