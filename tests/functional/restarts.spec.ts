import http from 'node:http'
import { execFileSync } from 'node:child_process'
import { test } from '@japa/runner'
import { startAppServer, type AppServer } from '#tests/helpers/app_server'
import { rawRequest, statusOf } from '#tests/helpers/raw_http'
import { createBlog, uniqueName } from '#tests/helpers/tenants'

function workerPids(server: AppServer): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(server.process.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
      .sort()
  } catch {
    return []
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

interface LoadTally {
  ok: number
  closes: number
  failures: string[]
}

/*
 * Readers that never pause: `keepAlive` reuses connections as browsers do (and must be
 * told `Connection: close` to leave one), the others open a connection per request.
 */
function readLoad(server: AppServer, host: string, paths: string[], keepAlive: boolean, tally: LoadTally) {
  const agent = new http.Agent({ keepAlive, maxSockets: 4 })
  let running = true
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const request = http.get(
        { host: '127.0.0.1', port: server.port, path, agent, headers: { host, 'accept-encoding': 'gzip' } },
        (response) => {
          response.resume()
          response.on('end', () => {
            if (response.statusCode === 200) tally.ok++
            else tally.failures.push(`${path}: ${response.statusCode}`)
            if (response.headers.connection === 'close') tally.closes++
            resolve()
          })
        }
      )
      request.on('error', (error) => {
        tally.failures.push(`${path}: ${error.message}`)
        resolve()
      })
    })
  const loops = [0, 1, 2, 3].map(async (index) => {
    for (let i = index; running; i++) await one(paths[i % paths.length])
  })
  return async () => {
    running = false
    await Promise.all(loops)
    agent.destroy()
  }
}

test.group('Restarts', () => {
  test('SIGHUP replaces every worker one at a time while readers fail no request', async ({ assert }) => {
    const blog = await createBlog(uniqueName('restart'), { posts: 3 })
    const server = await startAppServer(3397, { WEB_CONCURRENCY: '2', PAGE_CACHE: 'on' }, { entry: 'bin/cluster.js' })
    try {
      await waitFor(() => workerPids(server).length === 2, 30_000, 'two workers')
      const before = workerPids(server)
      const paths = ['/', '/posts/post-1', '/posts/post-2', '/feed.xml']
      const kept: LoadTally = { ok: 0, closes: 0, failures: [] }
      const fresh: LoadTally = { ok: 0, closes: 0, failures: [] }
      const stopKept = readLoad(server, blog.domain, paths, true, kept)
      const stopFresh = readLoad(server, blog.domain, paths, false, fresh)
      await new Promise((resolve) => setTimeout(resolve, 500))

      server.process.kill('SIGHUP')
      await waitFor(() => /rolling restart done in \d+ ms/.test(server.output()), 60_000, 'the restart')
      await new Promise((resolve) => setTimeout(resolve, 500))
      await Promise.all([stopKept(), stopFresh()])

      const after = workerPids(server)
      assert.lengthOf(after, 2)
      assert.notIncludeMembers(after, before, 'every worker was replaced')
      assert.deepEqual([...kept.failures, ...fresh.failures], [])
      assert.isAbove(kept.ok, 100, 'readers on kept connections were served throughout')
      assert.isAbove(fresh.ok, 100, 'readers on new connections were served throughout')
      assert.isAtLeast(kept.closes, 1, 'a draining worker let kept connections go with Connection: close')
      assert.notMatch(server.output(), /rolling restart stopped|exited \(/)
      const took = /rolling restart done in (\d+) ms/.exec(server.output())![1]
      console.log(
        `  rolling restart in ${took} ms: ${kept.ok} requests on kept connections (${kept.closes} told to close), ${fresh.ok} on new ones, 0 failed`
      )
    } finally {
      await server.stop()
    }
  }).timeout(120_000)

  test('SIGTERM lets a request in flight finish, and an idle cluster exits within 2 s', async ({ assert }) => {
    const blog = await createBlog(uniqueName('sigterm'))
    const server = await startAppServer(3398, { WEB_CONCURRENCY: '2' }, { entry: 'bin/cluster.js' })
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      server.process.once('exit', (code) => resolve({ code, at: performance.now() }))
    )
    const body = 'email=nobody%40example.test&password=wrong-password'
    const inFlight = rawRequest(new URL(server.url), [
      'POST /login HTTP/1.1',
      `Host: ${blog.domain}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${body.length}`,
    ])
    inFlight.socket.write(body.slice(0, 10))
    await new Promise((resolve) => setTimeout(resolve, 300))

    const signalled = performance.now()
    server.process.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.isNull(server.process.exitCode, 'the cluster waits for the request')
    inFlight.socket.write(body.slice(10))
    await inFlight.closed
    const reply = inFlight.received()
    assert.oneOf(statusOf(reply), [302, 303, 403, 422], reply.slice(0, 200))
    assert.match(reply, /\r\nconnection: close\r\n/i)

    const { code, at } = await exited
    assert.equal(code, 0)
    assert.isBelow(at - signalled, 2_500, 'drained, then gone: the 500 ms the request was held plus the exit')

    const idle = await startAppServer(3398, { WEB_CONCURRENCY: '2' }, { entry: 'bin/cluster.js' })
    const idleExit = new Promise<number>((resolve) => idle.process.once('exit', () => resolve(performance.now())))
    const started = performance.now()
    idle.process.kill('SIGTERM')
    const idleMs = (await idleExit) - started
    assert.isBelow(idleMs, 2_000)
    console.log(`  SIGTERM: request in flight finished, exit after ${Math.round(at - signalled)} ms; idle exit ${Math.round(idleMs)} ms`)
  }).timeout(120_000)
})
