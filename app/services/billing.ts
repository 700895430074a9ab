import { DateTime } from 'luxon'
import type { TenantRef } from '#tenancy/types'
import Tenant from '#models/tenant'
import { TenantNotFoundError } from '#tenancy/errors'

/*
 * paid_until is a date: the blog is paid up through the end of that day. No date means
 * no limit (blogs set up by hand).
 */
export function readOnlyReason(blog: TenantRef, now = DateTime.now()): string | null {
  if (!blog.paidUntil || blog.paidUntil.endOf('day') >= now) return null
  const plan = blog.onTrial ? 'free trial' : 'paid plan'
  return `This blog's ${plan} ended on ${blog.paidUntil.toISODate()}. The blog stays online and readable and nothing has been deleted, but writing is paused until the plan is renewed.`
}

export interface BillingChange {
  paidUntil?: DateTime
  extendDays?: number
  trial?: boolean
}

export async function findTenantForBilling(schemaName: string) {
  const tenant = await Tenant.findBy('schemaName', schemaName)
  if (!tenant) throw new TenantNotFoundError(`No tenant with schema "${schemaName}"`)
  return tenant
}

/*
 * Extending counts from today when the blog has already expired, so paying late never
 * buys less time than paying on time.
 */
export async function changeBilling(schemaName: string, change: BillingChange) {
  const tenant = await findTenantForBilling(schemaName)
  if (change.paidUntil) tenant.paidUntil = change.paidUntil.startOf('day')
  if (change.extendDays !== undefined) {
    const today = DateTime.now().startOf('day')
    const base = tenant.paidUntil && tenant.paidUntil > today ? tenant.paidUntil : today
    tenant.paidUntil = base.plus({ days: change.extendDays })
  }
  if (change.trial !== undefined) {
    tenant.onTrial = change.trial
    // The trial plan is the plan of the free trial: leaving one leaves the other.
    if (change.trial) tenant.plan = 'trial'
    else if (tenant.plan === 'trial') tenant.plan = 'basic'
  }
  await tenant.save()
  return tenant
}

export function expiredTenants(on: DateTime = DateTime.now()) {
  return Tenant.query()
    .whereNotNull('paid_until')
    .where('paid_until', '<', on.toISODate()!)
    .orderBy('paid_until')
}
