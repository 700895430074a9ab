import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/*
 * The Node HTTP server every entry point (bin/server.ts, the test runner) starts. Node
 * checks headersTimeout and requestTimeout (config/app.ts) only every
 * connectionsCheckingInterval, 30 s by default: a 10 s header budget would really be up to
 * 40 s. Checking every second keeps the budgets what the configuration says.
 */
export function createHttpServer(handler: Handler) {
  return createServer({ connectionsCheckingInterval: 1_000 }, handler)
}
