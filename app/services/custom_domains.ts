import { randomBytes } from 'node:crypto'
import { Resolver } from 'node:dns/promises'
import app from '@adonisjs/core/services/app'
import Domain from '#models/domain'
import { findTenantForBilling } from '#services/billing'
import { featureRefusal, hasFeature, limitOf, limitRefusal } from '#services/plans'
import { consumeAll } from '#start/limiter'
import tenancy from '#tenancy/service'
import { DomainLimitError, DomainNotFoundError, DomainTakenError, LastDomainError } from '#tenancy/errors'
import { tenantRefOf } from '#tenancy/tenant_ref'
import type { TenantRef } from '#tenancy/types'

export class DomainNotAllowedError extends Error {}

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
 * is never counted, so a blog that lost every domain can always get it back.
 */
export async function addDomain(schemaName: string, domain: string, options: { primary?: boolean } = {}) {
  const normalised = domain.trim().toLowerCase()
  if (normalised !== tenancy.lifecycle.defaultDomain(schemaName)) {
    const tenant = await findTenantForBilling(schemaName)
    const blog = tenantRefOf(tenant)
    if (!hasFeature(blog, 'customDomains')) throw new DomainNotAllowedError(featureRefusal(blog, 'customDomains'))
    const custom = await Domain.query()
      .where('tenant_id', tenant.id)
      .whereNot('domain', tenancy.lifecycle.defaultDomain(schemaName))
      .count('* as n')
    if (Number(custom[0].$extras.n) >= limitOf(blog, 'customDomains')) {
      throw new DomainNotAllowedError(limitRefusal(blog, 'customDomains'))
    }
  }
  return tenancy.domains.add(schemaName, domain, options)
}

/*
 * The DNS lookup behind verification, bound in the container so that tests (or an
 * installation with its own resolver) can swap it:
 * `app.container.swap(TxtLookup, () => fake)`.
 */
export class TxtLookup {
  async resolveTxt(name: string, signal: AbortSignal): Promise<string[][]> {
    const resolver = new Resolver({ timeout: VERIFY_TIMEOUT_MS, tries: 1 })
    signal.addEventListener('abort', () => resolver.cancel(), { once: true })
    return resolver.resolveTxt(name)
  }
}

/*
 * A lookup may take at most this long; it runs with no database connection held, and a
 * blog may try it VERIFY_LIMIT.requests times a minute.
 */
export const VERIFY_TIMEOUT_MS = 3000
export const VERIFY_LIMIT = { requests: 5, duration: '1 minute' }

/* What is shown of a TXT record that does not match: enough to see the mistake. */
const SHOWN_RECORDS = 5
const SHOWN_CHARS = 80

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

/*
 * Checks the claimed domain's TXT record and, when it holds the token, makes the domain
 * serve the blog. The lookup runs between two short queries, never inside a transaction.
 */
export async function verifyDomain(blog: TenantRef, id: number) {
  const row = await ownDomain(blog, id)
  if (row.verifiedAt) return row
  const wait = await consumeAll([{ limits: VERIFY_LIMIT, key: `domain_verify_${blog.id}` }])
  if (wait > 0) {
    throw new DomainRefused(`Too many verification attempts; try again in ${wait} seconds.`, wait)
  }
  const verified = await Domain.query().where('domain', row.domain).whereNotNull('verified_at').first()
  if (verified) throw new DomainRefused(takenMessage(blog, verified, row.domain))

  const problem = await checkRecord(row.domain, row.verificationToken ?? '')
  if (problem) throw new DomainRefused(problem)
  try {
    return await tenancy.domains.verify(blog.schemaName, row.domain)
  } catch (error) {
    if (error instanceof DomainTakenError) throw new DomainRefused(`${row.domain} is already used by another blog.`)
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

async function ownDomain(blog: TenantRef, id: number) {
  const row = await Domain.query().where('id', id).where('tenant_id', blog.id).first()
  if (!row) throw new DomainNotFoundError('No such domain on this blog')
  return row
}

function takenMessage(blog: TenantRef, verified: Domain, domain: string) {
  return verified.tenantId === blog.id
    ? `${domain} is already a domain of this blog.`
    : `${domain} is already used by another blog.`
}

/*
 * Why the TXT record does not prove the claim, or null when it holds the token. The
 * lookup is cut at VERIFY_TIMEOUT_MS, whatever the resolver does.
 */
async function checkRecord(domain: string, token: string): Promise<string | null> {
  const name = recordNameOf(domain)
  const lookup = await app.container.make(TxtLookup)
  const abort = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), VERIFY_TIMEOUT_MS)
  })
  let records: string[][] | 'timeout'
  try {
    records = await Promise.race([lookup.resolveTxt(name, abort.signal), timeout])
  } catch (error) {
    if (['ENOTFOUND', 'ENODATA'].includes(error?.code)) return `No TXT record at ${name}.`
    return `The DNS lookup of ${name} failed (${error?.code ?? 'error'}); try again in a minute.`
  } finally {
    clearTimeout(timer)
    abort.abort()
  }
  if (records === 'timeout') {
    return `The DNS lookup of ${name} took longer than ${VERIFY_TIMEOUT_MS / 1000} s; try again in a minute.`
  }
  const values = records.map((chunks) => chunks.join(''))
  if (values.includes(token)) return null
  if (values.length === 0) return `No TXT record at ${name}.`
  const shown = values
    .slice(0, SHOWN_RECORDS)
    .map((value) => JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value))
  const more = values.length > SHOWN_RECORDS ? ` and ${values.length - SHOWN_RECORDS} more` : ''
  return `The TXT record at ${name} does not hold this blog's token. Found: ${shown.join(', ')}${more}; expected: "${token}".`
}
