import { Resolver } from 'node:dns/promises'
import app from '@adonisjs/core/services/app'
import Domain from '#models/domain'
import { DomainRefused, ownDomain, recordNameOf, takenMessage } from '#services/custom_domains'
import { consumeAll } from '#start/limiter'
import tenancy from '#tenancy/service'
import { DomainTakenError } from '#tenancy/errors'
import type { TenantRef } from '#tenancy/types'

/*
 * Proving a claimed domain: its owner puts the blog's token in a TXT record at
 * _echoblogs.<domain>. Kept apart from #services/custom_domains because the rate limiter
 * exists only in serving processes, and commands import that one.
 */

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
