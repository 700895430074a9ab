import { spawn, type ChildProcess } from 'node:child_process'
import app from '@adonisjs/core/services/app'

export interface AppServer {
  url: string
  port: number
  process: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/*
 * Starts the real HTTP server (bin/server.ts, production mode; or `entry`, such as the
 * cluster bin/cluster.ts) as its own process, with the given database settings, and waits
 * until it answers.
 */
export async function startAppServer(
  port: number,
  env: Record<string, string>,
  { entry = 'bin/server.js' } = {}
): Promise<AppServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'ts-node-maintained/register/esm', entry],
    {
      cwd: app.makePath(),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  )
  let log = ''
  child.stdout!.on('data', (chunk) => (log += chunk))
  child.stderr!.on('data', (chunk) => (log += chunk))
  const url = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${log}`)
    try {
      await fetch(url, { headers: { host: 'localhost' }, signal: AbortSignal.timeout(1000) })
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  if (Date.now() >= deadline) throw new Error(`server did not answer within 60 s:\n${log}`)

  return {
    url,
    port,
    process: child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}
