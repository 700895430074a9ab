import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, transports } from '@adonisjs/mail'
import type { SMTPConfig } from '@adonisjs/mail/types'
import { MailFileTransport } from '#services/mail_file_transport'

/*
 * SMTP when SMTP_HOST is set; otherwise every message is written to tmp/mail/ as an .eml
 * file and announced in the log (#services/mail_file_transport). Messages are sent after
 * the response (#services/mail_outbox), and nodemailer's timeouts are cut from minutes to
 * seconds so that an unreachable server does not keep messages queued for long.
 */
const smtpHost = env.get('SMTP_HOST')
const smtpUser = env.get('SMTP_USERNAME')
const smtp: SMTPConfig & Record<string, unknown> = {
  host: smtpHost ?? 'localhost',
  port: env.get('SMTP_PORT', 587),
  secure: env.get('SMTP_SECURE', false),
  auth: smtpUser ? { type: 'login', user: smtpUser, pass: env.get('SMTP_PASSWORD', '') } : undefined,
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 20_000,
}

const mailConfig = defineConfig({
  default: smtpHost ? 'smtp' : 'file',
  from: env.get('MAIL_FROM', 'EchoBlogs <no-reply@echoblogs.invalid>'),
  mailers: {
    smtp: transports.smtp(smtp),
    file: () => new MailFileTransport(app.tmpPath('mail')),
  },
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
