import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/limiter'

/*
 * Rate-limit counters (login brute-force protection, see start/limiter.ts). The memory
 * store keeps them per process: behind several app processes each one counts on its own,
 * so the effective limit is multiplied by the number of processes. A shared store (Redis,
 * through @adonisjs/redis) is the way to one limit across processes; it is not wired yet.
 */
const limiterConfig = defineConfig({
  default: env.get('LIMITER_STORE', 'memory'),
  stores: {
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
