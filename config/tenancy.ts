import env from '#start/env'

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
    maxEntries: 50_000,
  },

  /*
   * Overridable so that tests (and staged roll-outs) can point the migrator elsewhere.
   */
  migrationsPath: env.get('TENANT_MIGRATIONS_PATH', 'database/tenant_migrations'),
  seedersPath: 'database/tenant_seeders',

  /*
   * Upper bound for any statement run inside a tenant request, set with SET LOCAL so it
   * also holds behind PgBouncer.
   */
  statementTimeoutMs: env.get('DB_STATEMENT_TIMEOUT_MS', 15_000),

  migrate: {
    concurrency: 8,
    lockTimeoutMs: 30_000,
  },
}

export default tenancyConfig
export type TenancyConfig = typeof tenancyConfig
