import { DateTime } from 'luxon'
import type Tenant from '#models/tenant'
import type { NavLink, TenantRef } from '#tenancy/types'

export function toTenantRef(row: Record<string, any>): TenantRef {
  return Object.freeze({
    id: row.id,
    name: row.name,
    tagline: row.tagline ?? null,
    schemaName: row.schema_name,
    ownerId: row.owner_id ?? null,
    paidUntil: row.paid_until ? toDate(row.paid_until) : null,
    onTrial: row.on_trial,
    plan: row.plan,
    limitOverrides: Object.freeze(row.limit_overrides ?? {}),
    featureOverrides: Object.freeze(row.feature_overrides ?? {}),
    primaryDomain: row.primary_domain ?? null,
    description: row.description ?? null,
    postsPerPage: row.posts_per_page ?? null,
    theme: row.theme,
    navLinks: frozenLinks(row.nav_links),
  })
}

export function tenantRefOf(tenant: Tenant, primaryDomain: string | null = null): TenantRef {
  return Object.freeze({
    id: tenant.id,
    name: tenant.name,
    tagline: tenant.tagline,
    schemaName: tenant.schemaName,
    ownerId: tenant.ownerId,
    paidUntil: tenant.paidUntil,
    onTrial: tenant.onTrial,
    plan: tenant.plan,
    limitOverrides: Object.freeze({ ...tenant.limitOverrides }),
    featureOverrides: Object.freeze({ ...tenant.featureOverrides }),
    primaryDomain,
    description: tenant.description,
    postsPerPage: tenant.postsPerPage,
    theme: tenant.theme,
    navLinks: frozenLinks(tenant.navLinks),
  })
}

function frozenLinks(links: NavLink[] | null | undefined): ReadonlyArray<NavLink> {
  return Object.freeze((links ?? []).map((link) => Object.freeze({ label: link.label, url: link.url })))
}

function toDate(value: Date | string) {
  return value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(String(value))
}
