import mail from '@adonisjs/mail/services/main'
import router from '@adonisjs/core/services/router'
import type { Request } from '@adonisjs/core/http'
import tenancyConfig from '#config/tenancy'
import { absoluteUrl } from '#services/urls'

/*
 * Links in mail point to the main site, with the scheme and port the request came in on.
 * They are made while the request is at hand, and filled in with a token later, by the
 * job that sends the message (#services/mail_outbox).
 */
export type LinkMaker = (routeName: string, token: string) => string

export function mainSiteLinks(request: Request): LinkMaker {
  const origin = absoluteUrl(request, tenancyConfig.appDomain, '')
  return (routeName, token) =>
    `${origin}${router.makeUrl(routeName, {}, { domain: tenancyConfig.appDomain, qs: { token } })}`
}

async function deliver(to: string, subject: string, lines: string[]) {
  await mail.send((message) => {
    message.to(to).subject(subject).text(`${lines.join('\n')}\n\n— EchoBlogs\n`)
  })
}

export function verificationMail(to: string, username: string, link: string) {
  return deliver(to, 'Confirm your email address for EchoBlogs', [
    `Hello ${username},`,
    '',
    'Open this link to confirm your email address. Until you do, you can write drafts but not publish them.',
    '',
    link,
    '',
    'The link works once, for 24 hours. If you did not sign up for EchoBlogs, ignore this message.',
  ])
}

export function passwordResetMail(to: string, username: string, link: string) {
  return deliver(to, 'Reset your EchoBlogs password', [
    `Hello ${username},`,
    '',
    'Someone (we hope you) asked to reset the password of your EchoBlogs account. Open this link to choose a new one:',
    '',
    link,
    '',
    'The link works once, for one hour; asking again makes this one useless. If you did not ask, ignore this message: your password stays as it is.',
  ])
}

export function emailChangeMail(to: string, username: string, link: string) {
  return deliver(to, 'Confirm your new email address for EchoBlogs', [
    `Hello ${username},`,
    '',
    'Open this link to make this address the one of your EchoBlogs account:',
    '',
    link,
    '',
    'The link works once, for 24 hours. Until you open it, your account keeps its old address. If you did not ask for this, ignore this message.',
  ])
}

export function emailChangeNotice(to: string, username: string, newEmail: string) {
  return deliver(to, 'Your EchoBlogs email address is about to change', [
    `Hello ${username},`,
    '',
    `Someone logged in to your EchoBlogs account asked to change its email address to ${newEmail}. The change happens only once the link sent to that address is opened.`,
    '',
    'If this was not you, log in and change your password at once: that logs out every other session.',
  ])
}
