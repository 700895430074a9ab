import type { DateTime } from 'luxon'

/*
 * What the tenancy layer knows of a tenant once resolved: a frozen snapshot of its
 * public row, safe to cache and to share between requests.
 */
export interface TenantRef {
  readonly id: number
  readonly name: string
  readonly schemaName: string
  readonly tagline: string | null
  readonly ownerId: number | null
  readonly paidUntil: DateTime | null
  readonly onTrial: boolean
  readonly postLimit: number | null
  readonly primaryDomain: string | null
}
