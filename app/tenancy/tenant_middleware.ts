import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import tenancy from '#tenancy/service'
import { DuplicateHostError, UnknownHostError } from '#tenancy/errors'
import { canonicalHostHeader, hasDuplicateHost, normalizeHost } from '#tenancy/host'
import { TenantScope, runInScope } from '#tenancy/tenant_scope'

/*
 * Resolves the request's host to a tenant and runs the rest of the request inside that
 * tenant's scope: one transaction on the shared pool, search_path set locally, committed
 * when the request succeeds and rolled back when it fails (an exception, or any 4xx/5xx).
 * The main site runs unscoped; any other host that no domain row names is a 404.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.tenant = null
    ctx.tenantDb = null
    ctx.tenantScope = null

    const incoming = ctx.request.request
    if (hasDuplicateHost(incoming.rawHeaders)) throw new DuplicateHostError('More than one Host header')
    for (const name of ['host', 'x-forwarded-host'] as const) {
      const value = incoming.headers[name]
      if (typeof value === 'string') incoming.headers[name] = canonicalHostHeader(value)
    }

    const host = normalizeHost(ctx.request.hostname())
    if (tenancy.isMainHost(host)) return next()

    const tenant = host ? await tenancy.resolver.resolve(host) : null
    if (!tenant) throw new UnknownHostError(`No blog at ${host ?? 'this address'}`)

    const scope = await TenantScope.open(tenant, tenancy.config.statementTimeoutMs)
    ctx.tenant = tenant
    ctx.tenantDb = scope.client
    ctx.tenantScope = scope
    try {
      await runInScope(scope, next)
    } catch (error) {
      await scope.end(false)
      throw error
    }
    await scope.end(ctx.response.getStatus() < 400)
  }
}
