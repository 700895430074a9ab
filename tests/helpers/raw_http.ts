import net from 'node:net'

export interface RawExchange {
  socket: net.Socket
  /* Everything the server sent, as text. */
  received: () => string
  /* Resolves with the time (ms since opening) at which the server closed the socket. */
  closed: Promise<number>
}

/*
 * A hand-written HTTP request over a plain socket: `head` is sent at once (request line
 * and headers, without the blank line), then `body` if given. For what ordinary clients
 * cannot do: send a body slowly, or never finish it.
 */
export function rawRequest(
  base: URL,
  head: string[],
  { body, localAddress = '127.0.0.1' }: { body?: Buffer | string; localAddress?: string } = {}
): RawExchange {
  const started = performance.now()
  const socket = net.connect({ host: base.hostname, port: Number(base.port), localAddress })
  let text = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk) => (text += chunk))
  socket.on('error', () => {})
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)))
  socket.write(`${head.join('\r\n')}\r\n\r\n`)
  if (body !== undefined) socket.write(body)
  return { socket, received: () => text, closed }
}

export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0)
}

export function percentile(values: number[], p: number) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
