const MAX_ID = 2_147_483_647

/*
 * A row id from a route parameter, or null. Routes only let digits through; ids past
 * PostgreSQL's integer range would make the query itself fail (a 500), so they are
 * simply not found.
 */
export function routeId(value: unknown): number | null {
  const id = Number(value)
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID ? id : null
}
