import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { assertValidSchemaName, quoteSchema } from '#tenancy/schema_name'

/*
 * What tenant schemas take on disk: tables with their indexes and TOAST. The schema names
 * are bound parameters. One statement for any number of schemas, so `tenants:usage` over
 * 10,000 blogs is one catalog scan, not 10,000 queries.
 */
export async function schemaBytes(client: QueryClientContract, schemaNames: string[]): Promise<Map<string, number>> {
  if (schemaNames.length === 0) return new Map()
  const { rows } = await client.rawQuery(
    `select n.nspname as schema, coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as bytes
       from pg_namespace n
       left join pg_class c on c.relnamespace = n.oid and c.relkind in ('r', 'm')
      where n.nspname = any(?)
      group by n.nspname`,
    [schemaNames]
  )
  return new Map(rows.map((row: { schema: string; bytes: string }) => [row.schema, Number(row.bytes)]))
}

/*
 * Posts in each of the given schemas, in statements of at most 500 schemas each: a
 * `count(*)` per schema, joined by UNION ALL, with every schema name validated and quoted.
 */
export async function postCountsBySchema(client: QueryClientContract, schemaNames: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (let start = 0; start < schemaNames.length; start += 500) {
    const batch = schemaNames.slice(start, start + 500)
    const sql = batch
      .map((name) => {
        assertValidSchemaName(name)
        return `select ?::text as schema, count(*)::int as n from ${quoteSchema(name)}.posts`
      })
      .join(' union all ')
    const { rows } = await client.rawQuery(sql, batch)
    for (const row of rows as { schema: string; n: number }[]) counts.set(row.schema, row.n)
  }
  return counts
}

/*
 * What a blog takes in all: its tables and the images on the Drive disk (counted from
 * their rows). Schemas still without an images table (behind on tenant migrations) count
 * their tables only.
 */
export async function storageBytes(client: QueryClientContract, schemaNames: string[]): Promise<Map<string, number>> {
  const total = await schemaBytes(client, schemaNames)
  for (const [schema, bytes] of await imageBytes(client, schemaNames)) total.set(schema, (total.get(schema) ?? 0) + bytes)
  return total
}

async function imageBytes(client: QueryClientContract, schemaNames: string[]): Promise<Map<string, number>> {
  const sums = new Map<string, number>()
  if (schemaNames.length === 0) return sums
  const { rows } = await client.rawQuery(
    `select n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relname = 'images' and c.relkind = 'r' and n.nspname = any(?)`,
    [schemaNames]
  )
  const withImages = rows.map((row: { schema: string }) => row.schema)
  for (let start = 0; start < withImages.length; start += 500) {
    const batch = withImages.slice(start, start + 500)
    const sql = batch
      .map((name: string) => {
        assertValidSchemaName(name)
        return `select ?::text as schema, coalesce(sum(bytes), 0)::bigint as bytes from ${quoteSchema(name)}.images`
      })
      .join(' union all ')
    const { rows: found } = await client.rawQuery(sql, batch)
    for (const row of found as { schema: string; bytes: string }[]) sums.set(row.schema, Number(row.bytes))
  }
  return sums
}
