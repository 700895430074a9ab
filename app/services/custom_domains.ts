import { randomBytes } from 'node:crypto'
import Domain from '#models/domain'
import { findTenantForBilling } from '#services/billing'
import { featureRefusal, hasFeature, limitOf, limitRefusal } from '#services/plans'
import tenancy from '#tenancy/service'
import { normalizeHost } from '#tenancy/host'
import { DomainLimitError, DomainNotFoundError, DomainTakenError, LastDomainError } from '#tenancy/errors'
import { tenantRefOf } from '#tenancy/tenant_ref'
import type { TenantRef } from '#tenancy/types'

/*
 * A dashboard action on a domain that cannot be done, with a message for the owner;
 * `retryAfterSeconds` when it may be tried again later.
 */
export class DomainRefused extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 0
  ) {
    super(message)
  }
}

/*
 * A domain for a blog, within its plan: a custom domain needs the customDomains feature
 * and room under the customDomains limit. The blog's own subdomain (<schema>.APP_DOMAIN)
 * is never counted, so a blog that lost every domain can always get it back, nor the
 * blog's own pending claim of the domain, which this verifies.
 */
export async function addDomain(schemaName: string, domain: string, options: { primary?: boolean } = {}) {
  const blog = tenantRefOf(await findTenantForBilling(schemaName))
  const own = normalizeHost(domain) === tenancy.lifecycle.defaultDomain(schemaName)
  if (!own && !hasFeature(blog, 'customDomains')) throw new DomainRefused(featureRefusal(blog, 'customDomains'))
  try {
    return await tenancy.domains.add(schemaName, domain, { ...options, maxCustom: limitOf(blog, 'customDomains') })
  } catch (error) {
    if (error instanceof DomainLimitError) throw new DomainRefused(limitRefusal(blog, 'customDomains'))
    throw error
  }
}

export type DomainState = 'primary' | 'active' | 'pending'

export interface DomainEntry {
  id: number
  domain: string
  state: DomainState
  isOwn: boolean
  record: { name: string; value: string } | null
}

export function recordNameOf(domain: string) {
  return `_echoblogs.${domain}`
}

/*
 * The blog's domains as its owner sees them: primary first, then active, then pending
 * with the TXT record each one needs.
 */
export async function domainsOf(blog: TenantRef): Promise<DomainEntry[]> {
  const own = tenancy.lifecycle.defaultDomain(blog.schemaName)
  const rank = { primary: 0, active: 1, pending: 2 }
  return (await tenancy.domains.list(blog.schemaName))
    .map((row) => {
      const state: DomainState = row.isPrimary ? 'primary' : row.verifiedAt ? 'active' : 'pending'
      return {
        id: row.id,
        domain: row.domain,
        state,
        isOwn: row.domain === own,
        record:
          state === 'pending' && row.verificationToken
            ? { name: recordNameOf(row.domain), value: row.verificationToken }
            : null,
      }
    })
    .sort((a, b) => rank[a.state] - rank[b.state] || a.domain.localeCompare(b.domain))
}

/*
 * Claims a domain (already validated and normalised) for the blog; it serves nothing
 * until verified. A name another blog has verified is refused; another blog's pending
 * claim does not matter, since verification decides.
 */
export async function claimDomain(blog: TenantRef, domain: string) {
  if (!hasFeature(blog, 'customDomains')) throw new DomainRefused(featureRefusal(blog, 'customDomains'))
  const verified = await Domain.query().where('domain', domain).whereNotNull('verified_at').first()
  if (verified) throw new DomainRefused(takenMessage(blog, verified, domain))
  try {
    return await tenancy.domains.claim(
      blog.schemaName,
      domain,
      randomBytes(24).toString('base64url'),
      limitOf(blog, 'customDomains')
    )
  } catch (error) {
    if (error instanceof DomainLimitError) throw new DomainRefused(limitRefusal(blog, 'customDomains'))
    if (error instanceof DomainTakenError) throw new DomainRefused(`${domain} is already a domain of this blog.`)
    throw error
  }
}

export async function makePrimaryDomain(blog: TenantRef, id: number) {
  const row = await ownDomain(blog, id)
  if (!row.verifiedAt) throw new DomainRefused(`${row.domain} must be verified before it can be the primary domain.`)
  await tenancy.domains.makePrimary(blog.schemaName, row.domain)
  return row
}

/*
 * The blog's own subdomain stays: it is the way in that never depends on the owner's DNS.
 */
export async function removeDomain(blog: TenantRef, id: number) {
  const row = await ownDomain(blog, id)
  if (row.domain === tenancy.lifecycle.defaultDomain(blog.schemaName)) {
    throw new DomainRefused(`${row.domain} is the blog's own address; it cannot be removed.`)
  }
  try {
    return { removed: row.domain, ...(await tenancy.domains.remove(blog.schemaName, row.domain)) }
  } catch (error) {
    if (error instanceof LastDomainError) {
      throw new DomainRefused(`${row.domain} is the blog's only active domain; it cannot be removed.`)
    }
    throw error
  }
}

export async function ownDomain(blog: TenantRef, id: number) {
  const row = await Domain.query().where('id', id).where('tenant_id', blog.id).first()
  if (!row) throw new DomainNotFoundError('No such domain on this blog')
  return row
}

export function takenMessage(blog: TenantRef, verified: Domain, domain: string) {
  return verified.tenantId === blog.id
    ? `${domain} is already a domain of this blog.`
    : `${domain} is already used by another blog.`
}
