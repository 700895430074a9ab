import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import logger from '@adonisjs/core/services/logger'
import { MailResponse } from '@adonisjs/mail'
import type { MailTransportContract, NodeMailerMessage, Recipient } from '@adonisjs/mail/types'

/*
 * Where no SMTP server is configured (development, tests), each message is written as it
 * would have been sent, one .eml file per message (any mail client opens it), and its
 * subject and first link are logged so that a developer can follow the link from the
 * console. The file name carries the recipient, so a test finds its message without
 * reading every other one.
 */
export class MailFileTransport implements MailTransportContract {
  #composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })

  constructor(private directory: string) {}

  async send(message: NodeMailerMessage) {
    const info = await this.#composer.sendMail(message)
    const to = (message.to ?? []).map(addressOf).join(', ')
    const name = `${Date.now()}-${randomBytes(4).toString('hex')}-${to.toLowerCase().replace(/[^a-z0-9@._-]/g, '_').slice(0, 100)}.eml`
    await mkdir(this.directory, { recursive: true })
    const file = join(this.directory, name)
    await writeFile(file, info.message as Buffer)
    const link = String(message.text ?? '').match(/https?:\/\/\S+/)?.[0] ?? null
    logger.info({ mail: { to, subject: message.subject, link, file } }, `mail to ${to}: ${message.subject}${link ? ` ${link}` : ''}`)
    return new MailResponse(info.messageId, info.envelope, info)
  }
}

function addressOf(recipient: Recipient) {
  return typeof recipient === 'string' ? recipient : recipient.address
}
