import env from '#start/env'
import cacheConfig from '#config/cache'
import { poolSizes } from '#config/database'

const tenancyConfig = {
  /*
   * The main site's host. Blogs get `<schema>.<appDomain>` as their primary domain.
   */
  appDomain: env.get('APP_DOMAIN', 'localhost').toLowerCase(),

  /*
   * Resolved hosts stay cached until a tenant or domain changes (the app LISTENs for the
   * triggers' notifications, config/cache.ts) or this TTL passes, whichever comes first;
   * an expired host is refreshed in the background while its readers are served. Unknown
   * hosts are remembered for a shorter time.
   */
  cache: {
    listen: cacheConfig.listen,
    ttlMs: env.get('TENANT_CACHE_TTL_MS', cacheConfig.listen ? 600_000 : 60_000),
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
   * The connections tenant work runs on (app/tenancy/tenant_connections.ts): DB_POOL_MAX
   * less the small pool Lucid keeps for public queries (config/database.ts). A tenant's
   * work prefers its two home slots and spills to another after spillAfterMs; each connection
   * lives 30 to 60 minutes. No tenant holds more than TENANT_POOL_SHARE of the slots at
   * once; the rest wait up to DB_ACQUIRE_TIMEOUT_MS, then get a 503.
   */
  connections: {
    slots: Math.max(1, poolSizes.total - poolSizes.public),
    spillAfterMs: 10,
    acquireTimeoutMs: env.get('DB_ACQUIRE_TIMEOUT_MS', 2_000),
    lifetimeMs: [30 * 60_000, 60 * 60_000] as [number, number],
  },
  connectionsPerTenant: Math.max(
    1,
    Math.ceil(Math.max(1, poolSizes.total - poolSizes.public) * env.get('TENANT_POOL_SHARE', 0.5))
  ),
  connectionWaitMs: env.get('DB_ACQUIRE_TIMEOUT_MS', 2_000),

  migrate: {
    concurrency: 8,
    lockTimeoutMs: 30_000,
  },
}

export default tenancyConfig
export type TenancyConfig = typeof tenancyConfig
