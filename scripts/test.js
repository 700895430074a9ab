/*
 * `npm test`: the whole suite against a real PostgreSQL. Uses the configured server
 * (DATABASE_URL or DB_*, from the environment or .env) or starts an embedded one, creates
 * a fresh test database on it, runs the public migrations and then `node ace test`.
 * Arguments are passed on to Japa (`npm test -- --files tests/functional/...`).
 */
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configuredDatabase, ensureDatabase, startEmbeddedPostgres, toEnv } from './embedded_database.js'
import { newAppKey, readEnvFile } from './env_file.js'
import { runAce } from './run_ace.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const log = (message) => console.log(`[test] ${message}`)

const fileEnv = await readEnvFile(root)
const merged = { ...fileEnv, ...process.env }
const database = process.env.TEST_DB_DATABASE ?? 'echoblogs_test'

let embedded = null
let settings = configuredDatabase(merged)
if (settings) {
  log(`using the configured database server (${settings.host ?? 'DATABASE_URL'}:${settings.port ?? ''})`)
} else {
  embedded = await startEmbeddedPostgres({ root, name: 'test', preferredPort: 54330, log })
  settings = embedded.settings
}

let exitCode = 1
try {
  await ensureDatabase(settings, database, { fresh: true })
  // Images live under their blog's id, and a fresh database counts ids from 1 again.
  const mediaRoot = process.env.DRIVE_FS_ROOT ?? 'tmp/test/media'
  await rm(resolve(root, mediaRoot), { recursive: true, force: true })
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    APP_KEY: merged.APP_KEY || newAppKey(),
    HOST: '127.0.0.1',
    PORT: process.env.TEST_PORT ?? '3334',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SESSION_DRIVER: 'cookie',
    DRIVE_FS_ROOT: mediaRoot,
    APP_DOMAIN: 'localhost',
    // Thousands of requests come from 127.0.0.1 in seconds: the suites that test the rate
    // limits start servers of their own with the limits they test.
    HTTP_HEADERS_TIMEOUT_MS: '3000',
    HTTP_REQUEST_TIMEOUT_MS: '5000',
    MISS_LIMIT_PER_IP: '1000000',
    MEDIA_LIMIT_PER_IP: '1000000',
    PLAN_TRIAL_REQUESTS_PER_MINUTE: '100000000',
    PLAN_BASIC_REQUESTS_PER_MINUTE: '100000000',
    PLAN_PRO_REQUESTS_PER_MINUTE: '100000000',
    SIGNUPS_PER_IP: '1000000',
    SIGNUPS_GLOBAL: '1000000',
    MAIL_PER_IP: '1000000',
    MAIL_GLOBAL: '1000000',
    TZ: 'UTC',
    ...toEnv(settings, database),
  }
  await runAce(root, ['migration:run', '--force'], env, { stdio: ['ignore', 'ignore', 'inherit'] })
  exitCode = await runTests(env)
} catch (error) {
  console.error(`[test] ${error.message}`)
} finally {
  await embedded?.stop()
}
process.exit(exitCode)

/*
 * Runs Japa, echoing its output, and ends with a plain `N passed, N failed` line.
 */
function runTests(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['ace', 'test', ...process.argv.slice(2)], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      output += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
      const summary = plain.match(/Tests\s+(.*)\((\d+)\)/)
      const count = (word) => Number(summary?.[1].match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0)
      const failed = count('failed')
      const passed = count('passed')
      const skipped = count('skipped')
      const status = code ?? (signal ? 1 : 0)
      console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
      resolve(status === 0 && failed === 0 && summary ? 0 : status || 1)
    })
  })
}
