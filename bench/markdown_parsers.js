/*
 * Markdown parsers on pathological input (issue 9): CommonMark's pathological classes
 * (cmark's test/pathological_tests.py) and the marked attacks found in the landed app,
 * each at three sizes, in a worker thread that is terminated after the time limit.
 * Time that grows 4x from 50 to 200 KB is linear; 16x is quadratic.
 *
 *   npm run bench -- markdown [--limit-ms 3000] [--parsers markdown-it,micromark,marked]
 */
import { Worker } from 'node:worker_threads'

const SIZES = [10_000, 50_000, 200_000]

/*
 * Each class builds an input of about `bytes` bytes by repeating its unit.
 */
const repeat = (unit, bytes) => unit.repeat(Math.max(1, Math.floor(bytes / unit.length)))
export const PATHOLOGICAL_CLASSES = {
  'nested strong emphasis': (bytes) => {
    const n = Math.floor(bytes / 14)
    return `${'*a **a '.repeat(n)}b${' a** a*'.repeat(n)}`
  },
  'emphasis closers without openers': (bytes) => repeat('a_ ', bytes),
  'emphasis openers without closers': (bytes) => repeat('_a ', bytes),
  'mixed emphasis delimiter runs': (bytes) => repeat('*a_ **b__ ', bytes),
  'delimiter runs, multiples of 3': (bytes) => `a**b${repeat('c* ', bytes)}`,
  'link closers without openers': (bytes) => repeat('a]', bytes),
  'link openers without closers': (bytes) => repeat('[a', bytes),
  'unclosed link brackets': (bytes) => repeat('[a](b ', bytes),
  'unclosed link destinations <': (bytes) => repeat('[a](<b', bytes),
  'link openers and emphasis closers': (bytes) => repeat('[ a_', bytes),
  'pattern [ (](': (bytes) => repeat('[ (](', bytes),
  'nested brackets': (bytes) => {
    const n = Math.floor(bytes / 2)
    return `${'['.repeat(n)}a${']'.repeat(n)}`
  },
  'nested block quotes': (bytes) => `${'> '.repeat(Math.floor(bytes / 2))}a`,
  'nested lists': (bytes) => {
    const lines = []
    let size = 0
    for (let depth = 0; size < bytes; depth++) {
      const line = `${'  '.repeat(depth)}* a\n`
      lines.push(line)
      size += line.length
    }
    return lines.join('')
  },
  'backtick runs': (bytes) => {
    let text = ''
    for (let i = 1; text.length < bytes; i++) text += `e${'`'.repeat(i)}`
    return text
  },
  'unclosed html comments': (bytes) => `</${repeat('<!--', bytes)}`,
  'link reference chains': (bytes) => {
    const n = Math.floor(bytes / 24)
    const definitions = Array.from({ length: n }, (_, i) => `[r${i}]: /u${i}\n`).join('')
    const uses = Array.from({ length: n }, (_, i) => `[x][r${i}]`).join(' ')
    return `${definitions}\n${uses}`
  },
}

const PARSER_SOURCES = {
  'markdown-it': `
    const { default: MarkdownIt } = await import('markdown-it')
    const md = new MarkdownIt({ html: true, linkify: false })
    render = (text) => md.render(text)`,
  micromark: `
    const { micromark } = await import('micromark')
    const { gfm, gfmHtml } = await import('micromark-extension-gfm')
    render = (text) => micromark(text, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })`,
  marked: `
    const { Marked } = await import('marked')
    const marked = new Marked({ gfm: true, async: false })
    render = (text) => marked.parse(text)`,
}

function timeOne(parser, input, limitMs) {
  const source = `
    const { parentPort, workerData } = await import('node:worker_threads')
    let render
    ${PARSER_SOURCES[parser]}
    render('warm *up*')
    const started = performance.now()
    try {
      render(workerData.input)
      parentPort.postMessage({ ms: performance.now() - started })
    } catch (error) {
      parentPort.postMessage({ ms: performance.now() - started, error: error.message })
    }`
  return new Promise((resolve) => {
    const worker = new Worker(source, { eval: true, workerData: { input }, type: 'module' })
    const timer = setTimeout(() => {
      worker.terminate()
      resolve({ ms: Infinity })
    }, limitMs)
    worker.once('message', (result) => {
      clearTimeout(timer)
      worker.terminate()
      resolve(result)
    })
    worker.once('error', (error) => {
      clearTimeout(timer)
      resolve({ ms: NaN, error: error.message })
    })
  })
}

function cell(result) {
  if (result.ms === Infinity) return 'timeout'
  if (result.error) return /stack/i.test(result.error) ? 'stack overflow' : 'error'
  return result.ms < 10 ? result.ms.toFixed(1) : result.ms.toFixed(0)
}

export async function runMarkdownBench({ limitMs = 3000, parsers = Object.keys(PARSER_SOURCES), log = console.log } = {}) {
  const rows = []
  log(`Markdown parsers on pathological input: ms at ${SIZES.map((s) => `${s / 1000} KB`).join(' / ')}, ` +
    `growth 50→200 KB (4 = linear), limit ${limitMs} ms per render`)
  for (const [name, build] of Object.entries(PATHOLOGICAL_CLASSES)) {
    const inputs = SIZES.map((size) => build(size))
    const row = { class: name }
    for (const parser of parsers) {
      const results = []
      for (const input of inputs) {
        const result = await timeOne(parser, input, limitMs)
        results.push(result)
        if (result.ms === Infinity) break
      }
      while (results.length < SIZES.length) results.push({ ms: Infinity })
      const [, mid, big] = results
      const growth = Number.isFinite(mid.ms) && Number.isFinite(big.ms) && mid.ms > 0.5 ? (big.ms / mid.ms).toFixed(1) : '-'
      row[parser] = { ms: results.map((r) => r.ms), text: `${results.map(cell).join(' / ')} (×${growth})` }
    }
    rows.push(row)
    log(`  ${name.padEnd(36)} ${parsers.map((p) => `${p}: ${row[p].text}`).join('   ')}`)
  }
  const worst = Object.fromEntries(
    parsers.map((parser) => [parser, Math.max(...rows.map((row) => row[parser].ms[SIZES.length - 1]))])
  )
  log(`  worst 200 KB render: ${parsers.map((p) => `${p} ${Number.isFinite(worst[p]) ? `${worst[p].toFixed(0)} ms` : 'timeout'}`).join(', ')}`)
  return { sizes: SIZES, limitMs, rows, worst }
}
