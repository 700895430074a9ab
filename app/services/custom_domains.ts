import Domain from '#models/domain'
import { findTenantForBilling } from '#services/billing'
import { featureRefusal, hasFeature, limitOf, limitRefusal } from '#services/plans'
import tenancy from '#tenancy/service'
import { tenantRefOf } from '#tenancy/tenant_ref'

export class DomainNotAllowedError extends Error {}

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
