import pg from 'pg'
import { InvalidSchemaNameError } from '#tenancy/errors'

const SCHEMA_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/

/*
 * PostgreSQL's reserved key words (SQL key words appendix, "reserved" and
 * "reserved (can be function or type)"), plus names the platform keeps for itself:
 * subdomains of the main site and schemas PostgreSQL or Lucid own.
 */
const POSTGRES_RESERVED = `all analyse analyze and any array as asc asymmetric authorization binary both
case cast check collate collation column concurrently constraint create cross current_catalog
current_date current_role current_schema current_time current_timestamp current_user default
deferrable desc distinct do else end except false fetch for foreign freeze from full grant group
having ilike in initially inner intersect into is isnull join lateral leading left like limit
localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing
primary references returning right select session_user similar some symmetric system_user table
tablesample then to trailing true union unique user using variadic verbose when where window with`

const PLATFORM_RESERVED = `public information_schema postgres template template0 template1 www admin
administrator api app apps assets static cdn mail email smtp imap pop ftp ssh root system support
help status blog blogs dashboard login logout signup register auth account accounts billing
settings docs dev test staging localhost echoblogs tenant tenants`

const RESERVED_NAMES = new Set(`${POSTGRES_RESERVED} ${PLATFORM_RESERVED}`.split(/\s+/))

export function schemaNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'is required'
  if (name.length > 63) return 'must be at most 63 characters'
  if (!SCHEMA_NAME_PATTERN.test(name)) {
    return 'must start with a lower-case letter and hold only a-z, 0-9 and _'
  }
  if (name.startsWith('pg_')) return 'must not start with pg_ (reserved by PostgreSQL)'
  if (RESERVED_NAMES.has(name)) return 'is a reserved name'
  return null
}

export function isValidSchemaName(name: unknown): name is string {
  return schemaNameProblem(name) === null
}

export function assertValidSchemaName(name: unknown): asserts name is string {
  const problem = schemaNameProblem(name)
  if (problem) {
    throw new InvalidSchemaNameError(`Invalid tenant name ${JSON.stringify(name)}: it ${problem}`)
  }
}

/*
 * The one way an identifier reaches SQL text: validated, then quoted by the driver.
 */
export function quoteSchema(name: string): string {
  assertValidSchemaName(name)
  return pg.escapeIdentifier(name)
}
