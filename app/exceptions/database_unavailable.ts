/*
 * Errors that mean "the database cannot be reached right now" rather than "this request
 * is wrong": they become a 503 page instead of a 500.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'])

export function isDatabaseUnavailable(error: any): boolean {
  if (!error || typeof error !== 'object') return false
  if (error.name === 'KnexTimeoutError') return true
  if (NETWORK_CODES.has(error.code) || POSTGRES_UNAVAILABLE.has(error.code)) return true
  if (/Connection terminated|connection timeout|Client has encountered a connection error/i.test(String(error.message))) {
    return true
  }
  return error.cause ? isDatabaseUnavailable(error.cause) : false
}
