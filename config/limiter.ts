import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/limiter'

/*
 * Rate-limit counters (login brute-force protection, see start/limiter.ts). The memory
 * store keeps them per process: behind several app processes each one counts on its own,
 * so the effective limit is multiplied by the number of processes. LIMITER_STORE=redis
 * shares one set of counters between every process (config/redis.ts). The Redis store is
 * configured only when used (and for the tests of it): configuring it loads the Redis
 * client into every server process.
 */
const store = env.get('LIMITER_STORE', 'memory')
const redis = stores.redis({ connectionName: 'main' })
const limiterConfig = defineConfig({
  default: store,
  stores: {
    memory: stores.memory({}),
    ...((store === 'redis' || app.inTest ? { redis } : {}) as { redis: typeof redis }),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
