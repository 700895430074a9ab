import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

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
  const sockets = new Map<Socket, Activity>()
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (request, response) => {
    const activity = sockets.get(request.socket)
    if (activity) {
      activity.response = response
      activity.idleSince = null
    }
    if (draining) response.shouldKeepAlive = false
    try {
      if (earlyResponder?.(request, response)) return
    } catch {
      // Outside the framework no error handler would catch it: the request goes on to
      // AdonisJS, which answers (or reports) it, unless a reply had already begun.
      if (response.headersSent) return void response.destroy()
    }
    handler(request, response)
  })
  servers.set(server, sockets)
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { response: null, idleSince: performance.now() })
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('close', () => servers.delete(server))
  return server
}

/*
 * What the drain needs to know of a connection, kept cheap for every request: the last
 * response, and since when the connection has been seen idle (null: not seen idle yet).
 */
interface Activity {
  response: ServerResponse | null
  idleSince: number | null
}

const servers = new Map<Server, Map<Socket, Activity>>()
let draining = false

/*
 * Stops taking connections and waits for the open ones to end, so that a restart or a
 * SIGTERM fails no request. Node's own close() cuts every idle keep-alive connection at
 * once, which races with a client sending its next request on one it just used. Here a
 * connection in use ends cleanly: its next response says `Connection: close`. One that has
 * been idle for a second is not being read from and is closed, so an idle server exits at
 * once. Requests still running after the request timeout are cut.
 */
export async function drainHttpServers() {
  draining = true
  await Promise.all([...servers.keys()].map(drain))
}

const IDLE_BEFORE_CLOSE_MS = 1_000

function drain(server: Server) {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve()
    const sockets = servers.get(server)!
    for (const { response } of sockets.values()) {
      if (response && !response.headersSent) response.shouldKeepAlive = false
    }
    const closeIdle = () => {
      const now = performance.now()
      for (const [socket, activity] of sockets) {
        if (activity.response && !activity.response.writableFinished) activity.idleSince = null
        else if (activity.idleSince === null) activity.idleSince = now
        else if (now - activity.idleSince >= IDLE_BEFORE_CLOSE_MS) socket.destroy()
      }
    }
    const sweep = setInterval(closeIdle, 100)
    const deadline = setTimeout(() => server.closeAllConnections(), server.requestTimeout + 1_000)
    NetServer.prototype.close.call(server, () => {
      clearInterval(sweep)
      clearTimeout(deadline)
      resolve()
    })
    closeIdle()
  })
}
