/*
 * Every environment variable the app reads is validated here, at boot.
 * Database settings are optional as a group: `npm run dev` and `npm test` fill them in
 * with an embedded PostgreSQL when none is configured (see bin/embedded_database.js).
 */
import { Env } from '@adonisjs/core/env'
import { LIMITS, PLAN_NAMES, planEnvKey } from '#services/plan_catalog'

const env = await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  METRICS_TOKEN: Env.schema.string.optional(),
  USAGE_FLUSH_MS: Env.schema.number.optional(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.string(),
  LOG_LEVEL: Env.schema.enum.optional(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  /*
   * One access line per request that reaches the framework (#services/access_log);
   * default: on in production.
   */
  LOG_REQUESTS: Env.schema.boolean.optional(),

  APP_DOMAIN: Env.schema.string.optional(),
  /*
   * Read by bin/cluster.ts before the app boots: worker processes, and each one's heap cap.
   */
  WEB_CONCURRENCY: Env.schema.number.optional(),
  WORKER_HEAP_MB: Env.schema.number.optional(),
  TRUSTED_PROXIES: Env.schema.string.optional(),
  TENANT_CACHE_TTL_MS: Env.schema.number.optional(),
  TENANT_CACHE_LISTEN: Env.schema.boolean.optional(),
  TENANT_MIGRATIONS_PATH: Env.schema.string.optional(),

  BLOG_POSTS_PER_PAGE: Env.schema.number.optional(),
  CACHE_MEMORY_MB: Env.schema.number.optional(),
  PAGE_CACHE_TENANT_SHARE: Env.schema.number.optional(),
  PAGE_CACHE_TTL_MS: Env.schema.number.optional(),
  PAGE_CACHE: Env.schema.enum.optional(['on', 'off'] as const),
  HTTP_CACHE_MAX_AGE: Env.schema.number.optional(),
  HTTP_CACHE_S_MAXAGE: Env.schema.number.optional(),
  MARKDOWN_RENDER_BUDGET_MS: Env.schema.number.optional(),
  MARKDOWN_MAX_NESTING: Env.schema.number.optional(),
  /*
   * PLAN_<PLAN>_<LIMIT>: one plan's figure for the whole installation (config/plans.ts).
   */
  ...Object.fromEntries(
    PLAN_NAMES.flatMap((plan) => LIMITS.map((limit) => [planEnvKey(plan, limit), Env.schema.number.optional()]))
  ),

  SESSION_DRIVER: Env.schema.enum.optional(['cookie', 'memory'] as const),
  SESSION_IDLE_TIMEOUT: Env.schema.string.optional(),
  SESSION_ABSOLUTE_TIMEOUT: Env.schema.string.optional(),
  COOKIE_SECURE: Env.schema.enum.optional(['auto', 'true', 'false'] as const),
  HSTS_MAX_AGE: Env.schema.string.optional(),

  DATABASE_URL: Env.schema.string.optional(),
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),
  DB_STATEMENT_TIMEOUT_MS: Env.schema.number.optional(),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: Env.schema.number.optional(),
  DB_ACQUIRE_TIMEOUT_MS: Env.schema.number.optional(),
  DB_PUBLIC_POOL_MAX: Env.schema.number.optional(),
  TENANT_POOL_SHARE: Env.schema.number.optional(),

  /*
   * The request's time budget (README, "Time budget of a request").
   */
  HTTP_HEADERS_TIMEOUT_MS: Env.schema.number.optional(),
  HTTP_REQUEST_TIMEOUT_MS: Env.schema.number.optional(),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Env.schema.number.optional(),

  /*
   * Login rate limits (start/limiter.ts): failed attempts allowed per account and client
   * address in LOGIN_ACCOUNT_WINDOW, and per client address in LOGIN_IP_WINDOW.
   */
  LIMITER_STORE: Env.schema.enum.optional(['memory', 'redis'] as const),
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  MISS_LIMIT_PER_IP: Env.schema.number.optional(),
  MEDIA_LIMIT_PER_IP: Env.schema.number.optional(),
  SIGNUPS_PER_IP: Env.schema.number.optional(),
  PREVIEWS_PER_MINUTE: Env.schema.number.optional(),
  SIGNUP_IP_WINDOW: Env.schema.string.optional(),
  SIGNUPS_GLOBAL: Env.schema.number.optional(),
  SIGNUP_GLOBAL_WINDOW: Env.schema.string.optional(),
  LOGIN_ATTEMPTS_PER_ACCOUNT: Env.schema.number.optional(),
  LOGIN_ACCOUNT_WINDOW: Env.schema.string.optional(),
  LOGIN_ATTEMPTS_PER_IP: Env.schema.number.optional(),
  LOGIN_IP_WINDOW: Env.schema.string.optional(),
  /*
   * Account mail (config/mail.ts): SMTP when SMTP_HOST is set, else .eml files under
   * tmp/mail/. Mail-sending forms are limited per client address (MAIL_PER_IP in
   * MAIL_IP_WINDOW) and per email address or account (MAIL_PER_ADDRESS in
   * MAIL_ADDRESS_WINDOW), see start/limiter.ts.
   */
  SMTP_HOST: Env.schema.string.optional({ format: 'host' }),
  SMTP_PORT: Env.schema.number.optional(),
  SMTP_SECURE: Env.schema.boolean.optional(),
  SMTP_USERNAME: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.string.optional(),
  MAIL_FROM: Env.schema.string.optional(),
  MAIL_PER_IP: Env.schema.number.optional(),
  MAIL_IP_WINDOW: Env.schema.string.optional(),
  MAIL_PER_ADDRESS: Env.schema.number.optional(),
  MAIL_GLOBAL: Env.schema.number.optional(),
  MAIL_GLOBAL_WINDOW: Env.schema.string.optional(),
  MAIL_ADDRESS_WINDOW: Env.schema.string.optional(),

  /*
   * Where uploaded images are kept (config/drive.ts): a directory on this machine (fs,
   * DRIVE_FS_ROOT, relative to the project) or an S3-compatible bucket (s3, the S3_*
   * settings, required together when DRIVE_DISK=s3).
   */
  DRIVE_DISK: Env.schema.enum.optional(['fs', 's3'] as const),
  DRIVE_FS_ROOT: Env.schema.string.optional(),
  S3_ENDPOINT: Env.schema.string.optional({ format: 'url', tld: false }),
  S3_REGION: Env.schema.string.optional(),
  S3_BUCKET: Env.schema.string.optional(),
  S3_ACCESS_KEY_ID: Env.schema.string.optional(),
  S3_SECRET_ACCESS_KEY: Env.schema.string.optional(),
  S3_FORCE_PATH_STYLE: Env.schema.boolean.optional(),
})

const S3_REQUIRED = ['S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const
if (env.get('DRIVE_DISK') === 's3') {
  const missing = S3_REQUIRED.filter((name) => !env.get(name))
  if (missing.length) {
    // Reported like the schema's own failures (#start/startup_error): one line per problem.
    throw Object.assign(new Error('Invalid environment variables'), {
      code: 'E_INVALID_ENV_VARIABLES',
      help: missing.map((name) => `- Missing environment variable "${name}" (DRIVE_DISK=s3)`).join('\n'),
    })
  }
}

export default env
