import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { TooManyRequests } from '#exceptions/too_many_requests'
import { consumeAll, fairShare } from '#start/limiter'
import { limitOf } from '#services/plans'

/*
 * Runs after the page cache, so only requests that miss it are counted: per client
 * address, and per blog at its plan's rate (start/limiter.ts).
 */
export default class FairShareMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, tenant } = ctx
    const counters = [{ limits: fairShare.perIp, key: `miss_ip_${request.ip()}` }]
    if (tenant) {
      const requests = limitOf(tenant, 'requestsPerMinute')
      counters.push({ limits: { requests, duration: '1 minute' }, key: `miss_tenant_${tenant.id}` })
    }
    const wait = await consumeAll(counters)
    if (wait > 0) {
      throw new TooManyRequests(
        wait,
        tenant ? 'This blog, or your address, is sending more requests than we can serve at once.' : 'Your address is sending more requests than we can serve at once.'
      )
    }
    return next()
  }
}
