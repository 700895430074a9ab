import type { QueryClientContract } from '@adonisjs/lucid/types/database'

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
