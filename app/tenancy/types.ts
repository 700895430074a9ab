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
  readonly plan: string
  readonly limitOverrides: Readonly<Record<string, number>>
  readonly featureOverrides: Readonly<Record<string, boolean>>
  readonly primaryDomain: string | null
  /* Reader-facing settings (the dashboard's settings page); postsPerPage null: the installation's. */
  readonly description: string | null
  readonly postsPerPage: number | null
  readonly theme: string
  readonly navLinks: ReadonlyArray<NavLink>
}

export interface NavLink {
  readonly label: string
  readonly url: string
}
