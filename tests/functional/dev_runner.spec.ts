import { spawn } from 'node:child_process'
import { createServer, connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { configuredDatabase, ensureDatabase, toEnv } from '../../scripts/embedded_database.js'

const DATABASE = 'echoblogs_devrunner'

/*
 * `npm run dev` (scripts/dev.js) as a developer runs it, on a database of its own.
 */
function startDev(port: number) {
  const settings = configuredDatabase(process.env)!
  const child = spawn(process.execPath, ['scripts/dev.js'], {
    cwd: app.makePath(),
    env: { ...process.env, ...toEnv(settings, DATABASE), NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, output: () => output }
}

function listening(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function until(condition: () => boolean | Promise<boolean>, ms: number) {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
    if (await condition()) return true
  }
  return false
}

test.group('npm run dev', (group) => {
  group.setup(() => ensureDatabase(configuredDatabase(process.env)!, DATABASE, { fresh: true }))

  test('refuses with a clear message when its port is taken', async ({ assert }) => {
    const holder = createServer().listen(3396, '127.0.0.1')
    await new Promise((resolve) => holder.once('listening', resolve))
    try {
      const dev = startDev(3396)
      assert.equal(await dev.exited, 1)
      assert.include(dev.output(), 'port 3396 is taken')
    } finally {
      holder.close()
    }
  }).timeout(30_000)

  for (const [how, stop] of [
    ['killed with SIGKILL', (pid: number) => process.kill(pid, 'SIGKILL')],
    ['its process group hung up (a closed terminal)', (pid: number) => process.kill(-pid, 'SIGHUP')],
  ] as const) {
    test(`prints the blog addresses once the server answers, and leaves nothing running when ${how}`, async ({
      assert,
    }) => {
      const dev = startDev(3397)
      try {
        assert.isTrue(await until(() => dev.output().includes('demo blog:'), 90_000), dev.output())
        assert.isTrue(await listening(3397), 'the server answers')
        const lines = dev.output().trim().split('\n')
        assert.match(lines.at(-1)!, /demo blog: {2}http:\/\/demo\.localhost:3397/, 'the addresses come last')
        stop(dev.child.pid!)
        assert.isTrue(await until(async () => !(await listening(3397)), 10_000), 'the port is free again')
      } finally {
        try {
          process.kill(-dev.child.pid!, 'SIGKILL')
        } catch {}
      }
    }).timeout(120_000)
  }
})
