/*
 * The .env file: created from .env.example with a fresh APP_KEY when missing, and read
 * (without overriding the real environment) so the scripts see what the app will see.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export async function ensureEnvFile(root, log = () => {}) {
  const path = join(root, '.env')
  if (existsSync(path)) return
  const template = await readFile(join(root, '.env.example'), 'utf8')
  await writeFile(path, template.replace(/^APP_KEY=.*$/m, `APP_KEY=${newAppKey()}`))
  log('created .env with a fresh APP_KEY')
}

export function newAppKey() {
  return randomBytes(32).toString('base64url')
}

export async function readEnvFile(root) {
  const path = join(root, '.env')
  if (!existsSync(path)) return {}
  const values = {}
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const match = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/)
    if (match && match[2] !== '') values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2')
  }
  return values
}
