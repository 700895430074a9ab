import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { TooManyRequests } from '#exceptions/too_many_requests'
import { consumeAll, fairShare } from '#start/limiter'
import { limitOf } from '#services/plans'

const MEDIA_PATH = /^\/media\//

/*
 * Runs after the page cache, so only requests that miss it are counted: per client
 * address, and per blog at its plan's rate (start/limiter.ts). A blog's images have a
 * counter of their own per address: a reader opening a post with thirty images must not
 * spend the page allowance on them, and they cost no database work (streamed from the
 * disk, then kept by browsers for a year).
 */
export default class FairShareMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const { request, tenant } = ctx
    if (MEDIA_PATH.test(request.url())) {
      const wait = await consumeAll([{ limits: fairShare.mediaPerIp, key: `media_ip_${request.ip()}` }])
      if (wait > 0) throw new TooManyRequests(wait, 'Your address is asking for more images than we can serve at once.')
      return next()
    }
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
