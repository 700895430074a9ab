import { readdir, readFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'

/*
 * The messages the app wrote to tmp/mail/ (no SMTP in tests, config/mail.ts). Mail goes
 * out after the response, so these wait for it.
 */
export interface SentMail {
  file: string
  to: string
  subject: string
  text: string
  /* The first link in the text, as a path and query to request on `host`. */
  link: string | null
  host: string | null
}

const DIRECTORY = app.tmpPath('mail')

function fileSuffix(address: string) {
  return `-${address.toLowerCase().replace(/[^a-z0-9@._-]/g, '_').slice(0, 100)}.eml`
}

async function filesTo(address: string, after: number) {
  const names = await readdir(DIRECTORY).catch(() => [] as string[])
  return names
    .filter((name) => name.endsWith(fileSuffix(address)) && Number(name.split('-')[0]) >= after)
    .sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]))
}

/*
 * Every message to `address` written at or after `after` (ms since the epoch), oldest
 * first.
 */
export async function mailsTo(address: string, after = 0): Promise<SentMail[]> {
  return Promise.all((await filesTo(address, after)).map((name) => parse(name)))
}

/*
 * The newest message to `address` written at or after `after` (and, with `subject`, whose
 * subject contains it), waiting up to `timeoutMs` for it.
 */
export async function newestMailTo(
  address: string,
  { after = 0, subject, timeoutMs = 5000 }: { after?: number; subject?: string; timeoutMs?: number } = {}
): Promise<SentMail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const mails = (await mailsTo(address, after)).filter((mail) => !subject || mail.subject.includes(subject))
    if (mails.length > 0) return mails[mails.length - 1]
    if (Date.now() > deadline) throw new Error(`No mail to ${address}${subject ? ` about "${subject}"` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function parse(name: string): Promise<SentMail> {
  const raw = await readFile(`${DIRECTORY}/${name}`, 'utf8')
  const split = raw.indexOf('\n\n')
  const headerText = raw.slice(0, split).replace(/\n[ \t]+/g, ' ')
  const headers = new Map(
    headerText.split('\n').map((line) => {
      const colon = line.indexOf(':')
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const
    })
  )
  let text = raw.slice(split + 2)
  if (headers.get('content-transfer-encoding') === 'quoted-printable') text = decodeQuotedPrintable(text)
  if (headers.get('content-transfer-encoding') === 'base64') text = Buffer.from(text, 'base64').toString('utf8')
  const url = text.match(/https?:\/\/\S+/)?.[0]
  const parsed = url ? new URL(url) : null
  return {
    file: name,
    to: headers.get('to') ?? '',
    subject: headers.get('subject') ?? '',
    text,
    link: parsed ? `${parsed.pathname}${parsed.search}` : null,
    host: parsed ? parsed.host : null,
  }
}

function decodeQuotedPrintable(text: string) {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
  return Buffer.from(bytes, 'latin1').toString('utf8')
}
