import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import tenancy from '#tenancy/service'
import { DuplicateHostError, UnknownHostError } from '#tenancy/errors'
import { canonicalHostHeader, hasDuplicateHost, normalizeHost } from '#tenancy/host'
import { bindToRequestLog } from '#services/request_logger'

/*
 * Resolves the request's host to a tenant (ctx.tenant; null on the main site). Any other
 * host that no domain row names is a 404. The scope is opened by tenant_scope_middleware,
 * so that a cache in between can answer without touching the database. From here on,
 * every line the request logs names the blog (`tenant`: its schema).
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

    ctx.tenant = tenant
    bindToRequestLog(ctx, { tenant: tenant.schemaName })
    return next()
  }
}
