import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/limiter'

/*
 * Rate-limit counters (login brute-force protection, see start/limiter.ts). The memory
 * store keeps them per process: behind several app processes each one counts on its own,
 * so the effective limit is multiplied by the number of processes. LIMITER_STORE=redis
 * shares one set of counters between every process (config/redis.ts).
 */
const limiterConfig = defineConfig({
  default: env.get('LIMITER_STORE', 'memory'),
  stores: {
    memory: stores.memory({}),
    redis: stores.redis({ connectionName: 'main' }),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
