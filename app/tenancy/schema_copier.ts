import pg from 'pg'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { quoteSchema } from '#tenancy/schema_name'

export interface CopyOptions {
  withData: boolean
}

export interface CopyReport {
  tables: string[]
  rowsCopied: number
}

const ident = pg.escapeIdentifier

/*
 * Copies one tenant schema into a new, empty one inside the caller's transaction: tables
 * with their columns, defaults, checks and indexes (CREATE TABLE ... LIKE ... INCLUDING
 * ALL), their own sequences set to the source's values, foreign keys re-pointed at the new
 * schema, and the data. Indexes and the constraints they back keep the source's names, so
 * a copy is identical in structure, names included (tenants:doctor compares them). Names
 * read from the catalog are quoted by the driver, never pasted.
 */
export async function copySchema(
  trx: TransactionClientContract,
  source: string,
  target: string,
  options: CopyOptions
): Promise<CopyReport> {
  const from = quoteSchema(source)
  const to = quoteSchema(target)

  // Rendered definitions name tables outside the path (public.users) in full and tables
  // of the source schema bare, so they can be replayed against the target.
  await trx.rawQuery(`select set_config('search_path', ?, true)`, [from])

  const tables: string[] = (
    await trx.rawQuery(
      `select c.relname from pg_class c
        where c.relnamespace = ?::regnamespace and c.relkind in ('r', 'p')
        order by c.relname`,
      [source]
    )
  ).rows.map((row: any) => row.relname)

  const sequences = (
    await trx.rawQuery(
      `select s.relname as sequence, t.relname as table, a.attname as column, d.deptype as kind
         from pg_class s
         join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')
         join pg_class t on t.oid = d.refobjid
         join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        where s.relkind = 'S' and s.relnamespace = ?::regnamespace`,
      [source]
    )
  ).rows as { sequence: string; table: string; column: string; kind: 'a' | 'i' }[]

  const foreignKeys = (
    await trx.rawQuery(
      `select k.conname, c.relname as table, pg_get_constraintdef(k.oid) as definition
         from pg_constraint k
         join pg_class c on c.oid = k.conrelid
        where k.contype = 'f' and k.connamespace = ?::regnamespace
        order by k.conname`,
      [source]
    )
  ).rows as { conname: string; table: string; definition: string }[]

  for (const table of tables) {
    await trx.rawQuery(
      `create table ${to}.${ident(table)} (like ${from}.${ident(table)} including all)`
    )
  }
  await renameIndexesLike(trx, source, target)

  // Serial columns: LIKE copied a default that still calls the source's sequence.
  for (const { sequence, table, column } of sequences.filter((entry) => entry.kind === 'a')) {
    const qualified = `${to}.${ident(sequence)}`
    await trx.rawQuery(`create sequence ${qualified}`)
    await trx.rawQuery(
      `alter table ${to}.${ident(table)} alter column ${ident(column)}
         set default nextval(${pg.escapeLiteral(qualified)}::regclass)`
    )
    await trx.rawQuery(`alter sequence ${qualified} owned by ${to}.${ident(table)}.${ident(column)}`)
  }

  let rowsCopied = 0
  const copied = new Set<string>()
  for (const table of tables) {
    if (!options.withData) continue
    // Generated columns (a post's search vector) are computed again, never copied.
    const { rows: columns } = await trx.rawQuery(
      `select a.attname from pg_attribute a
        where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        order by a.attnum`,
      [`${from}.${ident(table)}`]
    )
    const list = columns.map((column: { attname: string }) => ident(column.attname)).join(', ')
    const result = await trx.rawQuery(
      `insert into ${to}.${ident(table)} (${list}) overriding system value select ${list} from ${from}.${ident(table)}`
    )
    rowsCopied += result.rowCount ?? 0
    copied.add(table)
  }

  for (const { sequence, table, column } of sequences) {
    if (!copied.has(table)) continue
    await trx.rawQuery(
      `select setval(pg_get_serial_sequence(?, ?), last_value, is_called) from ${from}.${ident(sequence)}`,
      [`${to}.${ident(table)}`, column]
    )
  }

  await trx.rawQuery(`select set_config('search_path', ?, true)`, [to])
  for (const { conname, table, definition } of foreignKeys) {
    await trx.rawQuery(`alter table ${ident(table)} add constraint ${ident(conname)} ${definition}`)
  }

  return { tables, rowsCopied }
}

/*
 * LIKE ... INCLUDING ALL names the copied indexes (and the primary keys and unique
 * constraints they back) by PostgreSQL's defaults. Each is matched to its source index by
 * table and definition and renamed to the source's name; renaming an index renames its
 * constraint too. Mismatched names go through temporary ones first, so a default name
 * that another source index uses cannot collide.
 */
async function renameIndexesLike(trx: TransactionClientContract, source: string, target: string) {
  const { rows } = await trx.rawQuery(
    `with indexes as (
       select n.nspname as schema, t.relname as table, i.relname as name,
              row_number() over (
                partition by n.nspname, t.relname, x.indisunique, x.indisprimary, x.indkey::text,
                             x.indclass::text, x.indcollation::text, x.indoption::text, i.relam,
                             pg_get_expr(x.indexprs, x.indrelid), pg_get_expr(x.indpred, x.indrelid)
                order by i.relname) as nth,
              concat_ws(' ', x.indisunique, x.indisprimary, x.indkey::text, x.indclass::text,
                        x.indcollation::text, x.indoption::text, i.relam,
                        pg_get_expr(x.indexprs, x.indrelid), pg_get_expr(x.indpred, x.indrelid)) as shape
         from pg_index x
         join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid
         join pg_namespace n on n.oid = t.relnamespace
        where n.nspname in (?, ?))
     select copy.name as current, original.name as wanted
       from indexes copy
       join indexes original on original.schema = ? and original.table = copy.table
                            and original.shape = copy.shape and original.nth = copy.nth
      where copy.schema = ? and copy.name <> original.name`,
    [source, target, source, target]
  )
  const renames = rows as { current: string; wanted: string }[]
  const to = quoteSchema(target)
  for (const [k, { current }] of renames.entries()) {
    await trx.rawQuery(`alter index ${to}.${ident(current)} rename to ${ident(`echoblogs_clone_${k}`)}`)
  }
  for (const [k, { wanted }] of renames.entries()) {
    await trx.rawQuery(`alter index ${to}.${ident(`echoblogs_clone_${k}`)} rename to ${ident(wanted)}`)
  }
}

