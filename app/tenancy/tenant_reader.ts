import pg from 'pg'
import { quoteSchema } from '#tenancy/schema_name'
import type { TenantConnections } from '#tenancy/tenant_connections'
import type { TenantRef } from '#tenancy/types'

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/

/*
 * Reads of a tenant's tables in one round trip and no transaction: every table is named
 * with its schema (validated, quoted by the driver), so nothing about the tenant is ever
 * set on the connection. Public pages read this way; writes and the dashboard run in a
 * tenant scope (a transaction).
 *
 *   reader.query(tenant, (t) => `select title from ${t('posts')} where slug = $1`, [slug])
 */
export class TenantReader {
  constructor(private connections: TenantConnections) {}

  async query<Row = Record<string, any>>(
    tenant: TenantRef,
    sql: (table: (name: string) => string) => string,
    values: unknown[] = []
  ): Promise<Row[]> {
    const schema = quoteSchema(tenant.schemaName)
    const text = sql((name) => {
      if (!TABLE_NAME.test(name)) throw new Error(`Invalid table name ${JSON.stringify(name)}`)
      return `${schema}.${pg.escapeIdentifier(name)}`
    })
    const lease = await this.connections.acquire(tenant.id)
    try {
      const { rows } = await lease.connection.query(text, values)
      lease.release()
      return rows
    } catch (error) {
      lease.release(!(error as { code?: string }).code)
      throw error
    }
  }
}
