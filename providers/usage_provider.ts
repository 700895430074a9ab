import type { ApplicationService } from '@adonisjs/core/types'
import env from '#start/env'
import usageMeter from '#services/usage_meter'

/*
 * Serving processes add what they counted to public.tenant_usage every USAGE_FLUSH_MS
 * (default 10 s), and once more when they stop, after their connections drained.
 */
export default class UsageProvider {
  #timer?: NodeJS.Timeout

  constructor(protected app: ApplicationService) {}

  async ready() {
    if (!['web', 'test'].includes(this.app.getEnvironment())) return
    const logger = await this.app.container.make('logger')
    this.#timer = setInterval(() => {
      usageMeter.flush().catch((error) => logger.warn({ err: error }, 'usage not saved yet; kept for the next flush'))
    }, env.get('USAGE_FLUSH_MS', 10_000))
    this.#timer.unref()
    // Providers shut down in order, Lucid's first: the last flush runs while the app is
    // terminating, before any pool closes.
    this.app.terminating(async () => {
      clearInterval(this.#timer)
      await usageMeter.flush().catch((error) => logger.warn({ err: error }, 'usage of the last seconds not saved'))
    })
  }
}
