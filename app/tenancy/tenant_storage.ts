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
