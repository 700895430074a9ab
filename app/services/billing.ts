import { DateTime } from 'luxon'
import type { TenantRef } from '#tenancy/types'

/*
 * paid_until is a date: the blog is paid up through the end of that day. No date means
 * no limit (blogs set up by hand).
 */
export function readOnlyReason(blog: TenantRef, now = DateTime.now()): string | null {
  if (!blog.paidUntil || blog.paidUntil.endOf('day') >= now) return null
  const plan = blog.onTrial ? 'free trial' : 'paid plan'
  return `This blog's ${plan} ended on ${blog.paidUntil.toISODate()}. The blog stays online and readable and nothing has been deleted, but writing is paused until the plan is renewed.`
}
