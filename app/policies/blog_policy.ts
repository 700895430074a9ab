import { AuthorizationResponse, BasePolicy } from '@adonisjs/bouncer'
import type User from '#models/user'
import type { TenantRef } from '#tenancy/types'
import { readOnlyReason } from '#services/billing'
import { featureRefusal, hasFeature } from '#services/plans'

/*
 * A blog is run by its owner (tenants.owner_id) and nobody else. Writing also needs the
 * blog to be paid up: an expired blog stays readable, its dashboard read-only. Publishing
 * (or scheduling) also needs the owner's email address verified: until then they write
 * drafts. A refusal with no status is someone else's blog; one with a status is the
 * owner's, and says why.
 */
export default class BlogPolicy extends BasePolicy {
  manage(user: User, blog: TenantRef) {
    return blog.ownerId !== null && user.id === blog.ownerId
  }

  write(user: User, blog: TenantRef) {
    if (!this.manage(user, blog)) return false
    const reason = readOnlyReason(blog)
    return reason ? AuthorizationResponse.deny(reason, 402) : true
  }

  publish(user: User, blog: TenantRef) {
    if (!this.manage(user, blog)) return false
    return user.emailVerifiedAt ? true : AuthorizationResponse.deny(UNVERIFIED_CANNOT_PUBLISH, 403)
  }

  /*
   * Adding, verifying and promoting custom domains: writing, on a plan with the feature.
   */
  customDomains(user: User, blog: TenantRef) {
    const writing = this.write(user, blog)
    if (writing !== true) return writing
    return hasFeature(blog, 'customDomains')
      ? true
      : AuthorizationResponse.deny(featureRefusal(blog, 'customDomains'), 403)
  }
}

export const UNVERIFIED_CANNOT_PUBLISH =
  'Verify your email address before you publish or schedule a post: open the link we sent you, or use “Resend verification email” above. Your post was not saved; untick “Published” to save it as a draft.'
