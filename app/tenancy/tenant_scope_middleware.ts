import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import tenancy from '#tenancy/service'
import { TenantScope, runInScope } from '#tenancy/tenant_scope'

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/*
 * Runs the rest of a blog request inside its tenant's scope: one transaction on a tenant
 * connection slot, search_path and time limits set locally, committed when the request
 * succeeds and rolled back when it fails (an exception, or any 4xx/5xx). Routes that use
 * tenant models take it (the dashboard); public pages read through tenancy.reader and
 * take none. A committed write announces that the tenant's content changed, so caches of
 * its pages drop them in every process.
 */
export default class TenantScopeMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const tenant = ctx.tenant
    if (!tenant) return next()

    const scope = await TenantScope.open(tenant, {
      limits: tenancy.config.requestLimits,
      connections: tenancy.connections,
    })
    ctx.tenantDb = scope.client
    ctx.tenantScope = scope
    try {
      await runInScope(scope, next)
    } catch (error) {
      await scope.end(false)
      throw error
    }
    await scope.end(ctx.response.getStatus() < 400, { announce: !READS.has(ctx.request.method()) })
  }
}
