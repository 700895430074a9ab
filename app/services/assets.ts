import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import app from '@adonisjs/core/services/app'

/*
 * The files of public/, served from memory: no file system call on any request, and no
 * address outside this list, whatever its spelling. Each file is also served under a
 * fingerprinted address (`/assets/css/app.3f9c2a1b7e.css`) that templates use through
 * asset(): a new version is a new address, so browsers and CDNs may keep each one for a
 * year. Read once in production; in development a change shows within a second.
 */
export interface Asset {
  type: string
  body: Buffer
  gzip: Buffer
  br: Buffer
  etag: string
  fingerprinted: string
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

interface Catalogue {
  byPath: Map<string, Asset>
  byFingerprint: Map<string, Asset>
  readAt: number
}

let catalogue: Catalogue | null = null

function files(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

function read(): Catalogue {
  const root = app.publicPath()
  const byPath = new Map<string, Asset>()
  const byFingerprint = new Map<string, Asset>()
  for (const file of files(root)) {
    const path = `/${relative(root, file).split('\\').join('/')}`
    if (path.split('/').some((part) => part.startsWith('.'))) continue
    const body = readFileSync(file)
    const hash = createHash('sha1').update(body).digest('hex').slice(0, 10)
    const extension = extname(path)
    const asset: Asset = {
      type: TYPES[extension] ?? 'application/octet-stream',
      body,
      gzip: gzipSync(body, { level: 9 }),
      br: brotliCompressSync(body),
      etag: `"${hash}"`,
      fingerprinted: `/assets${path.slice(0, path.length - extension.length)}.${hash}${extension}`,
    }
    byPath.set(path, asset)
    byFingerprint.set(asset.fingerprinted, asset)
  }
  return { byPath, byFingerprint, readAt: Date.now() }
}

function current(): Catalogue {
  if (!catalogue || (!app.inProduction && Date.now() - catalogue.readAt > 1000)) catalogue = read()
  return catalogue
}

/*
 * The fingerprinted address of a file of public/, e.g. asset('css/app.css').
 */
export function assetUrl(path: string): string {
  const asset = current().byPath.get(`/${path}`)
  if (!asset) throw new Error(`public/${path} does not exist`)
  return asset.fingerprinted
}

/*
 * The file at a request path: a fingerprinted address (immutable) or a plain one.
 */
export function assetAt(path: string): { asset: Asset; immutable: boolean } | undefined {
  const files = current()
  const fingerprinted = files.byFingerprint.get(path)
  if (fingerprinted) return { asset: fingerprinted, immutable: true }
  const plain = files.byPath.get(path)
  return plain ? { asset: plain, immutable: false } : undefined
}
