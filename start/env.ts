/*
 * Every environment variable the app reads is validated here, at boot.
 * Database settings are optional as a group: `npm run dev` and `npm test` fill them in
 * with an embedded PostgreSQL when none is configured (see bin/embedded_database.js).
 */
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.string(),
  LOG_LEVEL: Env.schema.enum.optional(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),

  APP_DOMAIN: Env.schema.string.optional(),
  TRUSTED_PROXIES: Env.schema.string.optional(),
  TENANT_CACHE_TTL_MS: Env.schema.number.optional(),
  TENANT_CACHE_LISTEN: Env.schema.boolean.optional(),
  TENANT_MIGRATIONS_PATH: Env.schema.string.optional(),

  BLOG_POSTS_PER_PAGE: Env.schema.number.optional(),

  SESSION_DRIVER: Env.schema.enum.optional(['cookie', 'memory'] as const),

  DATABASE_URL: Env.schema.string.optional(),
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),
  DB_STATEMENT_TIMEOUT_MS: Env.schema.number.optional(),

  /*
   * Login rate limits (start/limiter.ts): failed attempts allowed per account and client
   * address in LOGIN_ACCOUNT_WINDOW, and per client address in LOGIN_IP_WINDOW.
   */
  LIMITER_STORE: Env.schema.enum.optional(['memory', 'redis'] as const),
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  LOGIN_ATTEMPTS_PER_ACCOUNT: Env.schema.number.optional(),
  LOGIN_ACCOUNT_WINDOW: Env.schema.string.optional(),
  LOGIN_ATTEMPTS_PER_IP: Env.schema.number.optional(),
  LOGIN_IP_WINDOW: Env.schema.string.optional(),
})
