/*
 * Errors that mean "the database cannot serve this right now" rather than "this request is
 * wrong": they become a 503 page with Retry-After instead of a 500.
 *   - busy: no pooled connection (or none of the blog's share of the pool) came free in
 *     time, or a statement hit its time limit;
 *   - unavailable: the server cannot be reached or is shutting down.
 */
export type DatabaseTrouble = 'busy' | 'unavailable'

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'])
const POSTGRES_BUSY = new Set(['57014', '25P03', '55P03'])

export function databaseTrouble(error: any): DatabaseTrouble | null {
  if (!error || typeof error !== 'object') return null
  if (error.name === 'KnexTimeoutError' || error.code === 'E_TENANT_BUSY' || POSTGRES_BUSY.has(error.code)) {
    return 'busy'
  }
  if (NETWORK_CODES.has(error.code) || POSTGRES_UNAVAILABLE.has(error.code)) return 'unavailable'
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(String(error.message))) {
    return 'unavailable'
  }
  return error.cause ? databaseTrouble(error.cause) : null
}
