import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/*
 * Answers some requests before the framework sees them (the page cache's hits,
 * #services/page_cache_hits); returns false for the others.
 */
type EarlyResponder = (request: IncomingMessage, response: ServerResponse) => boolean
let earlyResponder: EarlyResponder | null = null

export function answerEarly(responder: EarlyResponder) {
  earlyResponder = responder
}

/*
 * The Node HTTP server every entry point (bin/server.ts, the test runner) starts. Node
 * checks headersTimeout and requestTimeout (config/app.ts) only every
 * connectionsCheckingInterval, 30 s by default: a 10 s header budget would really be up to
 * 40 s. Checking every second keeps the budgets what the configuration says.
 */
export function createHttpServer(handler: Handler) {
  return createServer({ connectionsCheckingInterval: 1_000 }, (request, response) => {
    try {
      if (earlyResponder?.(request, response)) return
    } catch {
      // Outside the framework no error handler would catch it: the request goes on to
      // AdonisJS, which answers (or reports) it, unless a reply had already begun.
      if (response.headersSent) return void response.destroy()
    }
    handler(request, response)
  })
}
