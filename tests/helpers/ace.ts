import { spawn } from 'node:child_process'
import app from '@adonisjs/core/services/app'

export interface AceResult {
  exitCode: number
  stdout: string
  stderr: string
}

/*
 * Runs a real `node ace` process against the test database, as an admin would.
 */
export function runAce(args: string[], env: Record<string, string> = {}): Promise<AceResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['ace', ...args], {
      cwd: app.makePath(),
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }))
  })
}

/*
 * The JSON document a `--json` command printed (its last top-level JSON value).
 */
export function jsonOutput<T = any>(result: AceResult): T {
  const start = result.stdout.search(/^[[{]/m)
  if (start === -1) throw new Error(`no JSON in output:\n${result.stdout}\n${result.stderr}`)
  return JSON.parse(result.stdout.slice(start))
}
