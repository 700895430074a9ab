import { randomUUID } from 'node:crypto'
import { Request } from '@adonisjs/core/http'

/*
 * A request's id is the X-Request-Id its client or the proxy in front sent, when that
 * looks like an id: at most 128 letters, digits and `_ - . : @` (UUIDs, nginx's
 * $request_id, a load balancer's trace id). Anything else, or nothing, gets a random UUID
 * of our own, written back into the header. The id is bound to every line the request
 * logs, echoed in X-Request-Id and handed to the error reporter, so a 10 KB or hostile
 * value never gets that far. A well-formed id from a client is kept (as Rails does): it
 * only labels that client's own lines.
 *
 * AdonisJS reads the id (Request#id) when it builds a request's context, to make the
 * request's child logger, before any middleware runs: that is the only moment early
 * enough, so this replaces Request#id itself (installed by #providers/logging_provider).
 * Page-cache hits answered before the framework never get here and pay nothing.
 */
const WELL_FORMED = /^[\w.:@-]{1,128}$/

export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED.test(value)
}

export function installRequestIds() {
  Request.macro('id', function (this: Request) {
    const headers = this.request.headers
    const sent = headers['x-request-id']
    if (isWellFormedRequestId(sent)) return sent
    const id = randomUUID()
    headers['x-request-id'] = id
    return id
  })
}
