import type { HttpContext } from '@adonisjs/core/http'
import type { Logger } from '@adonisjs/core/logger'
import { routeOf } from '#services/request_logger'

/*
 * What is known of the request an error came from. `url` is the path only: a query string
 * can hold tokens.
 */
export interface ErrorContext {
  requestId: string
  tenant: string | null
  route: string | null
  method: string
  url: string
  userId?: number | null
}

/*
 * Where the errors of requests go (app/exceptions/handler.ts reports the 5xx that are not
 * a database outage; those are counted). An abstract class rather than an interface so
 * that it is also the container's key: #providers/logging_provider binds LogErrorReporter,
 * and a tracker is plugged in by binding another implementation in a provider listed after
 * it in adonisrc.ts:
 *
 *   this.app.container.singleton(ErrorReporter, () => new MyTrackerReporter())
 *
 * report() must not wait on the network: the handler does not wait for it, and logs an
 * implementation that throws or rejects along with the error it was given.
 */
export abstract class ErrorReporter {
  abstract report(error: unknown, context: ErrorContext): void | Promise<void>
}

/*
 * The default: one `error` line with the stack (pino's `err`) and the context, under the
 * same field names as the request's other lines.
 */
export class LogErrorReporter implements ErrorReporter {
  constructor(private logger: Logger) {}

  report(error: unknown, { requestId, ...context }: ErrorContext) {
    const message = error instanceof Error ? error.message : String(error)
    this.logger.error({ err: error, request_id: requestId, ...context }, message)
  }
}

export function errorContext(ctx: HttpContext): ErrorContext {
  return {
    requestId: ctx.request.id()!,
    tenant: ctx.tenant?.schemaName ?? null,
    route: routeOf(ctx) ?? null,
    method: ctx.request.method(),
    url: ctx.request.url(),
    userId: ctx.auth?.user?.id ?? null,
  }
}
