/*
 * `npm run dev`: everything a fresh clone needs, then `node ace serve --hmr`.
 * Uses the configured database (DATABASE_URL or DB_*) or starts an embedded PostgreSQL.
 * It owns what it starts: they stop when it stops, whatever stops it.
 */
import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { configuredDatabase, ensureDatabase, startEmbeddedPostgres, toEnv } from './embedded_database.js'
import { ensureEnvFile, readEnvFile } from './env_file.js'
import { runAce } from './run_ace.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const log = (message) => console.log(`[dev] ${message}`)
const DEV_DATABASE_FILE = join(root, 'tmp', 'db', 'dev.json')

await ensureEnvFile(root, log)
const fileEnv = await readEnvFile(root)
const merged = { ...fileEnv, ...process.env }
const port = Number(merged.PORT ?? 3333)
const domain = merged.APP_DOMAIN ?? 'localhost'

// Without this check `ace serve` would quietly take another port while the addresses
// printed below pointed at whatever holds this one.
if (!(await portIsFree(port))) {
  console.error(
    `[dev] port ${port} is taken: another server (an earlier \`npm run dev\`?) is listening there. ` +
      `Stop it, or set PORT in .env.`
  )
  process.exit(1)
}

let embedded = null
let settings = configuredDatabase(merged)
const database = merged.DB_DATABASE ?? 'echoblogs'
if (settings) {
  log('using the configured database server')
} else {
  embedded = await startEmbeddedPostgres({ root, name: 'dev', preferredPort: 54320, log })
  settings = embedded.settings
  await ensureDatabase(settings, database)
  // Lets `node ace ...` in another terminal reach this server while it runs (config/database.ts).
  writeFileSync(DEV_DATABASE_FILE, JSON.stringify({ ...settings, database }))
}
const env = { ...process.env, ...toEnv(settings, settings.connectionString ? undefined : database) }

let server = null
let stopping = false
async function shutdown(code) {
  if (stopping) return
  stopping = true
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGINT')
    } catch {}
    const killTimer = setTimeout(() => {
      try {
        process.kill(-server.pid, 'SIGKILL')
      } catch {}
    }, 3000)
    await new Promise((resolve) => server.once('exit', resolve))
    clearTimeout(killTimer)
  }
  rmSync(DEV_DATABASE_FILE, { force: true })
  await embedded?.stop()
  process.exit(code)
}
process.on('SIGINT', () => shutdown(0))
process.on('SIGTERM', () => shutdown(0))
process.on('SIGHUP', () => shutdown(0))

try {
  await runAce(root, ['migration:run', '--force'], env)
  await runAce(root, ['tenants:migrate'], env)
  await runAce(root, ['db:seed'], env)
} catch (error) {
  console.error(`[dev] ${error.message}`)
  await shutdown(1)
}

const watchParent = `--import="${pathToFileURL(join(root, 'scripts', 'parent_watch.js')).href}"`
server = spawn(process.execPath, ['ace', 'serve', '--hmr'], {
  cwd: root,
  env: { ...env, PORT: String(port), NODE_OPTIONS: [env.NODE_OPTIONS, watchParent].filter(Boolean).join(' ') },
  stdio: 'inherit',
  detached: true,
})
server.on('exit', (code) => shutdown(code ?? 0))

// AdonisJS's banner shows http://127.0.0.1:<port>, which is no blog: the addresses that
// are come last, once the server answers.
if (await answers(port)) {
  log(`main site:  http://${domain}:${port}`)
  log(`demo blog:  http://demo.${domain}:${port}`)
}

function portIsFree(wanted) {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen({ port: wanted, host: merged.HOST ?? '0.0.0.0', exclusive: true }, () => probe.close(() => resolve(true)))
  })
}

async function answers(wanted) {
  for (let waited = 0; waited < 120_000 && !stopping; waited += 250) {
    try {
      if ((await fetch(`http://127.0.0.1:${wanted}/healthz`)).ok) return true
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return false
}
