import env from '#start/env'
import cacheConfig from '#config/cache'

const tenancyConfig = {
  /*
   * The main site's host. Blogs get `<schema>.<appDomain>` as their primary domain.
   */
  appDomain: env.get('APP_DOMAIN', 'localhost').toLowerCase(),

  /*
   * Resolved hosts stay cached until a tenant or domain changes (the app LISTENs for the
   * triggers' notifications) or this TTL passes, whichever comes first. Unknown hosts are
   * remembered for a shorter time.
   */
  cache: {
    /*
     * LISTEN needs a session of its own: turn it off behind a transaction-mode PgBouncer
     * (the TTL then bounds how long a changed domain can be served stale).
     */
    listen: env.get('TENANT_CACHE_LISTEN', true),
    ttlMs: env.get('TENANT_CACHE_TTL_MS', 60_000),
    negativeTtlMs: 5_000,
    maxBytes: cacheConfig.hostsBytes,
  },

  /*
   * Overridable so that tests (and staged roll-outs) can point the migrator elsewhere.
   */
  migrationsPath: env.get('TENANT_MIGRATIONS_PATH', 'database/tenant_migrations'),
  seedersPath: 'database/tenant_seeders',

  /*
   * Upper bounds for a tenant request's transaction, set with set_config(..., true) so
   * they also hold behind PgBouncer: any one statement, and any idle gap inside the
   * transaction (the server then ends it rather than let it hold its connection).
   */
  requestLimits: {
    statementTimeoutMs: env.get('DB_STATEMENT_TIMEOUT_MS', 5_000),
    idleInTransactionTimeoutMs: env.get('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 5_000),
  },

  /*
   * No tenant's requests hold more than this share of the pool at once (at least one
   * connection); the rest wait up to the pool's acquire timeout, then get a 503.
   */
  connectionsPerTenant: Math.max(
    1,
    Math.ceil(env.get('DB_POOL_MAX', 10) * env.get('TENANT_POOL_SHARE', 0.5))
  ),
  connectionWaitMs: env.get('DB_ACQUIRE_TIMEOUT_MS', 2_000),

  migrate: {
    concurrency: 8,
    lockTimeoutMs: 30_000,
  },
}

export default tenancyConfig
export type TenancyConfig = typeof tenancyConfig
