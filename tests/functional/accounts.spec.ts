import { createHash } from 'node:crypto'
import { issueToken } from '#services/account_tokens'
import net from 'node:net'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import { createBlog, schemaExists, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD, PASSWORD, Visitor, signUpAndLand, uniqueUsername } from '#tests/helpers/visitor'
import { mailsTo, newestMailTo } from '#tests/helpers/mail'
import { Browser } from '#tests/helpers/browser'
import { startAppServer } from '#tests/helpers/app_server'
import tenancy from '#tenancy/service'

const MAIN = 'localhost'

/*
 * Logs in on the main site (the session there), returning the visitor.
 */
async function logInOnMain(client: ApiClient, uid: string, password = BLOG_PASSWORD, visitor = new Visitor(client)) {
  await visitor.get(MAIN, '/login')
  const response = await visitor.submit(MAIN, '/login', { uid, password })
  if (response.status() !== 302) throw new Error(`login failed: ${response.status()}`)
  return { visitor, response }
}

/*
 * Logs in on the main site and follows the hand-off, ending logged in on both hosts.
 */
async function logInBoth(client: ApiClient, uid: string, host: string, password = BLOG_PASSWORD) {
  const { visitor, response } = await logInOnMain(client, uid, password)
  const handoff = await visitor.follow(response, MAIN)
  const dashboard = await visitor.follow(handoff, host)
  if (dashboard.status() !== 200) throw new Error(`hand-off failed: ${dashboard.status()}`)
  return visitor
}

async function loginWorks(client: ApiClient, uid: string, password: string) {
  const visitor = new Visitor(client)
  await visitor.get(MAIN, '/login')
  const response = await visitor.submit(MAIN, '/login', { uid, password })
  return response.status() === 302
}

async function isLoggedIn(visitor: Visitor, host: string) {
  const response = await visitor.get(host, host === MAIN ? '/account' : '/dashboard')
  return response.status() === 200
}

/*
 * Edge reads a tag only at the start of a line: a misplaced one is printed as text.
 */
function renderedCleanly(assert: Assert, html: string) {
  assert.notMatch(html, /@!?[a-z]+\(|\{\{|\}\}/i, 'template source printed')
}

async function userRow(id: number) {
  return db.from('public.users').where('id', id).first()
}

test.group('Accounts: email verification', () => {
  test('a new blogger verifies through the mailed link; before that, drafts only', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    const username = uniqueUsername('ver')
    const email = `${username}@example.test`
    const since = Date.now()
    const { host, dashboard } = await signUpAndLand(visitor, username)
    assert.include(dashboard.text(), 'Please verify your email address')
    assert.include(dashboard.text(), 'Resend verification email')

    const first = await newestMailTo(email, { after: since, subject: 'Confirm your email address' })
    assert.match(first.link!, /^\/account\/verify\?token=[A-Za-z0-9_-]{43}$/)
    assert.equal(first.host, MAIN)

    await visitor.get(host, '/dashboard/posts/new')
    const refused = await visitor.submit(host, '/dashboard/posts', { title: 'Not yet', content: 'Kept *text*', publish: '1' })
    assert.equal(refused.status(), 422)
    assert.include(refused.text(), 'Verify your email address before you publish or schedule a post')
    assert.include(refused.text(), 'Resend verification email')
    assert.include(refused.text(), 'value="Not yet"')
    assert.include(refused.text(), 'Kept *text*')
    const scheduled = await visitor.submit(host, '/dashboard/posts', {
      title: 'Later',
      content: 'x',
      publish: '1',
      publish_at: '2099-01-01T00:00:00',
    })
    assert.equal(scheduled.status(), 422, 'scheduling is publishing')
    const draft = await visitor.submit(host, '/dashboard/posts', { title: 'A draft', content: 'x' })
    assert.equal(draft.status(), 302, 'drafts are allowed')
    const tenant = await db.from('public.tenants').where('schema_name', username).firstOrFail()
    const { rows } = await db.rawQuery(`select title, is_published from "${tenant.schema_name}".posts order by id`)
    assert.deepEqual(rows, [{ title: 'A draft', is_published: false }])

    // The banner's button: a new link, and the first one no longer works.
    await visitor.get(host, '/dashboard')
    const resent = await visitor.submit(host, '/dashboard/verification', {})
    assert.equal(resent.header('location'), '/dashboard')
    assert.include((await visitor.follow(resent, host)).text(), `We are sending a verification link to ${email}`)
    const second = await newestMailTo(email, { after: since, subject: 'Confirm your email address', timeoutMs: 5000 })
    const waitForSecond = Date.now() + 5000
    let latest = second
    while (latest.link === first.link && Date.now() < waitForSecond) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      latest = await newestMailTo(email, { after: since, subject: 'Confirm your email address' })
    }
    assert.notEqual(latest.link, first.link)
    const stale = await visitor.get(MAIN, first.link!)
    assert.equal(stale.status(), 410)
    assert.include(stale.text(), 'This link has already been used')

    const verified = await visitor.get(MAIN, latest.link!)
    assert.equal(verified.status(), 200)
    assert.include(verified.text(), `${email} is verified`)
    renderedCleanly(assert, verified.text())
    renderedCleanly(assert, stale.text())
    renderedCleanly(assert, refused.text())
    const user = await db.from('public.users').where('username', username).firstOrFail()
    assert.isNotNull(user.email_verified_at)

    const again = await visitor.get(MAIN, latest.link!)
    assert.equal(again.status(), 410, 'a used link')
    assert.include(again.text(), 'Resend verification email')

    await visitor.get(host, '/dashboard/posts/new')
    const published = await visitor.submit(host, '/dashboard/posts', { title: 'Now', content: 'x', publish: '1' })
    assert.equal(published.status(), 302)
    assert.notInclude((await visitor.get(host, '/dashboard')).text(), 'Please verify your email address')
    assert.include((await visitor.get(host, '/')).text(), 'Now')
  })

  test('an expired verification link says so; a verified user is not sent another', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    const username = uniqueUsername('vexp')
    const email = `${username}@example.test`
    const since = Date.now()
    await signUpAndLand(visitor, username)
    const mail = await newestMailTo(email, { after: since })
    await db.rawQuery(
      `update public.account_tokens set expires_at = now() - interval '1 second'
        where user_id = (select id from public.users where username = ?) and purpose = 'verify_email'`,
      [username]
    )
    const expired = await visitor.get(MAIN, mail.link!)
    assert.equal(expired.status(), 410)
    assert.include(expired.text(), 'This link has expired')
    const user = await db.from('public.users').where('username', username).firstOrFail()
    assert.isNull(user.email_verified_at)

    // From the main site's account page, the banner's button asks again.
    const account = await visitor.get(MAIN, '/account')
    assert.include(account.text(), 'Resend verification email')
    const resent = await visitor.submit(MAIN, '/account/verification', {})
    assert.equal(resent.header('location'), '/account')
    const fresh = await newestMailTo(email, { after: Date.now() - 50 })
    assert.equal((await visitor.get(MAIN, fresh.link!)).status(), 200)

    const count = (await mailsTo(email, since)).length
    await visitor.get(MAIN, '/account')
    const noMore = await visitor.submit(MAIN, '/account/verification', {})
    assert.include((await visitor.follow(noMore, MAIN)).text(), 'already verified')
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.lengthOf(await mailsTo(email, since), count)
  })

  test('"Resend verification email" is limited per account', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    const username = uniqueUsername('vlim')
    const { host } = await signUpAndLand(visitor, username)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      await visitor.get(host, '/dashboard')
      statuses.push((await visitor.submit(host, '/dashboard/verification', {})).status())
    }
    assert.deepEqual(statuses, [302, 302, 302, 429])
    await visitor.get(host, '/dashboard')
    const refused = await visitor.submit(host, '/dashboard/verification', {})
    assert.equal(refused.status(), 429)
    assert.isAbove(Number(refused.header('retry-after')), 0)
    assert.include(refused.text(), 'Nothing was sent this time')
    await visitor.get(MAIN, '/account')
    assert.equal((await visitor.submit(MAIN, '/account/verification', {})).status(), 429, 'the same count on the main site')
  })
})

test.group('Accounts: when mail cannot be sent', () => {
  test('sign-up and password reset answer as usual, and the links can be asked for again', async ({ client, assert }) => {
    const directory = app.tmpPath('mail')
    const aside = `${directory}.${process.pid}`
    await mkdir(directory, { recursive: true })
    await rename(directory, aside)
    await writeFile(directory, 'not a directory: every message fails')
    const visitor = new Visitor(client)
    const username = uniqueUsername('nomail')
    let host: string
    try {
      ;({ host } = await signUpAndLand(visitor, username))
      await visitor.get(MAIN, '/password/forgot')
      const reset = await visitor.submit(MAIN, '/password/forgot', { email: `${username}@example.test` })
      assert.equal(reset.status(), 200)
      assert.include(reset.text(), 'If an account uses')
      await new Promise((resolve) => setTimeout(resolve, 300))
    } finally {
      await rm(directory, { force: true })
      await rename(aside, directory)
    }
    const since = Date.now()
    await visitor.get(host, '/dashboard')
    assert.equal((await visitor.submit(host, '/dashboard/verification', {})).status(), 302)
    const mail = await newestMailTo(`${username}@example.test`, { after: since })
    assert.equal((await visitor.get(MAIN, mail.link!)).status(), 200)
  })
})

test.group('Accounts: password reset', () => {
  test('the answer is the same whether the address has an account or not', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('rst_same'))
    const known = `${blog.schemaName}@example.test`
    const unknown = `nobody_${blog.schemaName}@example.test`
    const since = Date.now()

    const pages: string[] = []
    for (const email of [known, unknown]) {
      const visitor = new Visitor(client)
      const form = await visitor.get(MAIN, '/password/forgot')
      assert.include(form.text(), 'Forgot your password?')
      const response = await visitor.submit(MAIN, '/password/forgot', { email })
      assert.equal(response.status(), 200)
      pages.push(response.text().replaceAll(email, 'ADDRESS').replace(/name="_csrf" value="[^"]*"/g, ''))
    }
    assert.equal(pages[0], pages[1])
    assert.include(pages[0], 'If an account uses ADDRESS')
    renderedCleanly(assert, pages[0])

    await newestMailTo(known, { after: since, subject: 'Reset your EchoBlogs password' })
    assert.lengthOf(await mailsTo(unknown, since), 0)
  })

  test('a reset link sets a new password once and logs out every session', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('rst'))
    const email = `${blog.schemaName}@example.test`
    const elsewhere = await logInBoth(client, email, blog.domain)
    assert.isTrue(await isLoggedIn(elsewhere, MAIN))
    assert.isTrue(await isLoggedIn(elsewhere, blog.domain))

    const visitor = new Visitor(client)
    const login = await visitor.get(blog.domain, '/login')
    assert.include(login.text(), '/password/forgot">Forgot your password?</a>', 'the blog login links to it')
    const since = Date.now()
    await visitor.get(MAIN, '/password/forgot')
    await visitor.submit(MAIN, '/password/forgot', { email })
    const older = await newestMailTo(email, { after: since })
    await visitor.get(MAIN, '/password/forgot')
    await visitor.submit(MAIN, '/password/forgot', { email: email.toUpperCase() })
    let newer = older
    const deadline = Date.now() + 5000
    while (newer.link === older.link && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      newer = await newestMailTo(email, { after: since })
    }
    assert.notEqual(newer.link, older.link)
    assert.match(newer.link!, /^\/password\/reset\?token=[A-Za-z0-9_-]{43}$/)

    const voided = await visitor.get(MAIN, older.link!)
    assert.equal(voided.status(), 410, 'a new request voids the older link')
    assert.include(voided.text(), 'Ask for a new link')

    const form = await visitor.get(MAIN, newer.link!)
    assert.equal(form.status(), 200)
    assert.include(form.text(), 'Choose a new password')
    renderedCleanly(assert, form.text())
    renderedCleanly(assert, login.text())
    const token = new URL(newer.link!, 'http://x').searchParams.get('token')!
    const mismatch = await visitor.submit(MAIN, '/password/reset', {
      token,
      password: 'brand new password',
      password_confirmation: 'something else',
    })
    assert.equal(mismatch.status(), 422)
    assert.include(mismatch.text(), 'The two passwords do not match')
    assert.include(mismatch.text(), `value="${token}"`, 'the form keeps its link')

    const done = await visitor.submit(MAIN, '/password/reset', {
      token,
      password: 'brand new password',
      password_confirmation: 'brand new password',
    })
    assert.equal(done.status(), 302)
    assert.equal(done.header('location'), '/login')
    assert.include((await visitor.follow(done, MAIN)).text(), 'Log in with your new password')

    assert.isFalse(await isLoggedIn(elsewhere, MAIN), 'the other session on the main site ended')
    assert.isFalse(await isLoggedIn(elsewhere, blog.domain), 'and on the blog')
    assert.isFalse(await loginWorks(client, email, BLOG_PASSWORD))
    assert.isTrue(await loginWorks(client, email, 'brand new password'))

    await visitor.get(MAIN, '/password/forgot')
    const reused = await visitor.submit(MAIN, '/password/reset', {
      token,
      password: 'another password',
      password_confirmation: 'another password',
    })
    assert.equal(reused.status(), 410)
    assert.include(reused.text(), 'already been used')
    assert.isTrue(await loginWorks(client, email, 'brand new password'))
  })

  test('an expired or forged reset link changes nothing', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('rst_bad'))
    const email = `${blog.schemaName}@example.test`
    const since = Date.now()
    const visitor = new Visitor(client)
    await visitor.get(MAIN, '/password/forgot')
    await visitor.submit(MAIN, '/password/forgot', { email })
    const mail = await newestMailTo(email, { after: since })
    const token = new URL(mail.link!, 'http://x').searchParams.get('token')!
    await db.rawQuery(
      `update public.account_tokens set expires_at = now() - interval '1 second'
        where purpose = 'reset_password' and user_id = (select owner_id from public.tenants where schema_name = ?)`,
      [blog.schemaName]
    )
    const expired = await visitor.get(MAIN, mail.link!)
    assert.equal(expired.status(), 410)
    assert.include(expired.text(), 'This link has expired')
    const late = await visitor.submit(MAIN, '/password/reset', {
      token,
      password: 'too late password',
      password_confirmation: 'too late password',
    })
    assert.equal(late.status(), 410)

    const forged = [
      'A'.repeat(43),
      token.slice(0, 42),
      `${token}x`,
      'x'.repeat(4_000),
      `${token.slice(0, 42)}\u0000`,
      "' or 1=1 --",
    ]
    for (const candidate of forged) {
      const page = await visitor.get(MAIN, `/password/reset?token=${encodeURIComponent(candidate)}`)
      assert.equal(page.status(), 404, candidate.slice(0, 20))
      assert.include(page.text(), 'This link is not one we sent')
      const post = await visitor.submit(MAIN, '/password/reset', {
        token: candidate,
        password: 'forged password',
        password_confirmation: 'forged password',
      })
      assert.equal(post.status(), 404)
      assert.equal((await visitor.get(MAIN, `/account/verify?token=${encodeURIComponent(candidate)}`)).status(), 404)
      assert.equal((await visitor.get(MAIN, `/account/email/confirm?token=${encodeURIComponent(candidate)}`)).status(), 404)
      assert.equal((await visitor.submit(MAIN, '/account/email/confirm', { token: candidate })).status(), 404)
    }
    const huge = await visitor.submit(MAIN, '/password/reset', {
      token: 'x'.repeat(100_000),
      password: 'forged password',
      password_confirmation: 'forged password',
    })
    assert.equal(huge.status(), 404)
    const array = await visitor.submit(MAIN, '/password/reset?token[]=a', { 'token[]': 'a', password: 'x', password_confirmation: 'x' })
    assert.equal(array.status(), 404)
    assert.isTrue(await loginWorks(client, email, BLOG_PASSWORD))
    assert.isFalse(await loginWorks(client, email, 'too late password'))
    assert.isFalse(await loginWorks(client, email, 'forged password'))
  })

  test('reset links to one address are limited, silently; hostile addresses are refused as field errors', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('rst_lim'))
    const email = `${blog.schemaName}@example.test`
    const since = Date.now()
    const visitor = new Visitor(client)
    const pages: string[] = []
    for (let i = 0; i < 5; i++) {
      await visitor.get(MAIN, '/password/forgot')
      const response = await visitor.submit(MAIN, '/password/forgot', { email })
      assert.equal(response.status(), 200, 'someone asking for this address cannot get its owner refused')
      pages.push(response.text().replace(/name="_csrf" value="[^"]*"/, ''))
    }
    assert.lengthOf(new Set(pages), 1, 'the fourth and fifth answers are the same page')
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.lengthOf(await mailsTo(email, since), 3, 'three links an hour reach one address')

    for (const hostile of ['a'.repeat(100_000) + '@example.test', `x\u0000@example.test`, 'not an address', '']) {
      await visitor.get(MAIN, '/password/forgot')
      const response = await visitor.submit(MAIN, '/password/forgot', { email: hostile })
      assert.equal(response.status(), 422, hostile.slice(0, 20))
      assert.include(response.text(), 'id="field-email-error"')
    }
  })
})

test.group('Accounts: the site-wide mail allowance', () => {
  test('past MAIL_GLOBAL in its window, the forms that send mail refuse everyone, so the outbox never overflows', async ({
    assert,
  }) => {
    const server = await startAppServer(3400, { MAIL_GLOBAL: '2', MAIL_GLOBAL_WINDOW: '10 minutes' })
    try {
      const visitor = new Browser('127.0.0.1', server.url)
      const statuses: number[] = []
      let refusal = ''
      for (const name of ['one', 'two', 'three']) {
        await visitor.get(MAIN, '/password/forgot')
        const reply = await visitor.post(MAIN, '/password/forgot', { email: `${name}_${Date.now()}@example.test` }, { page: '/password/forgot' })
        statuses.push(reply.status)
        if (reply.status === 429) refusal = reply.body
      }
      assert.deepEqual(statuses, [200, 200, 429])
      assert.include(refusal, 'Nothing was sent this time')
    } finally {
      await server.stop()
    }
  }).timeout(60_000)
})

test.group('Accounts: settings', () => {
  test('the account page is linked from the header and needs a login', async ({ client, assert }) => {
    const anonymous = new Visitor(client)
    const refused = await anonymous.get(MAIN, '/account')
    assert.equal(refused.status(), 302)
    assert.match(refused.header('location')!, /^\/login\?next=/)

    const blog = await createBlog(uniqueName('acc_page'))
    const { visitor } = await logInOnMain(client, blog.schemaName)
    const home = await visitor.get(MAIN, '/')
    assert.include(home.text(), '<a href="/account">Account</a>')
    const page = await visitor.get(MAIN, '/account')
    assert.equal(page.status(), 200)
    assert.include(page.text(), 'Change your password')
    assert.include(page.text(), 'Change your email address')
    assert.include(page.text(), 'Download my blog')
    assert.include(page.text(), `To confirm, type your blog’s address, ${blog.domain}`)
    renderedCleanly(assert, page.text())
    assert.notInclude(page.text(), 'Please verify your email address')
  })

  test('changing the password needs the current one and logs out the other sessions', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('acc_pw'))
    const other = await logInBoth(client, blog.schemaName, blog.domain)
    const { visitor } = await logInOnMain(client, blog.schemaName)
    await visitor.get(MAIN, '/account')

    const wrong = await visitor.submit(
      MAIN,
      '/account/password',
      { current_password: 'not my password', password: 'a new password', password_confirmation: 'a new password' },
      { method: 'PUT' }
    )
    assert.equal(wrong.status(), 422)
    assert.include(wrong.text(), 'id="password-current_password-error">Your current password is not correct.')
    assert.notInclude(wrong.text(), 'id="email-current_password-error"', 'only the submitted form shows errors')
    assert.notInclude(wrong.text(), 'a new password')
    assert.isTrue(await isLoggedIn(other, blog.domain), 'nothing changed')
    assert.isTrue(await loginWorks(client, blog.schemaName, BLOG_PASSWORD))

    const changed = await visitor.submit(
      MAIN,
      '/account/password',
      { current_password: BLOG_PASSWORD, password: 'a new password', password_confirmation: 'a new password' },
      { method: 'PUT' }
    )
    assert.equal(changed.status(), 302)
    assert.include((await visitor.follow(changed, MAIN)).text(), 'Your password has been changed')
    assert.isTrue(await isLoggedIn(visitor, MAIN), 'this session stays')
    assert.isFalse(await isLoggedIn(other, MAIN), 'the others end')
    assert.isFalse(await isLoggedIn(other, blog.domain))
    assert.isFalse(await loginWorks(client, blog.schemaName, BLOG_PASSWORD))
    assert.isTrue(await loginWorks(client, blog.schemaName, 'a new password'))
  })

  test('a new email address takes effect only through the link sent to it', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('acc_em'))
    const oldEmail = `${blog.schemaName}@example.test`
    const newEmail = `new_${blog.schemaName}@example.test`
    const taken = await createBlog(uniqueName('acc_taken'))
    const { visitor } = await logInOnMain(client, blog.schemaName)
    await visitor.get(MAIN, '/account')

    const cases: [Record<string, string>, string, string][] = [
      [{ email: newEmail, current_password: 'wrong' }, 'email-current_password', 'Your current password is not correct.'],
      [{ email: `${taken.schemaName}@example.test`, current_password: BLOG_PASSWORD }, 'email-email', 'cannot be used'],
      [{ email: oldEmail, current_password: BLOG_PASSWORD }, 'email-email', 'cannot be used'],
      [{ email: `bad\u0000@example.test`, current_password: BLOG_PASSWORD }, 'email-email', 'not allowed'],
    ]
    const since = Date.now()
    for (const [fields, id, message] of cases) {
      const response = await visitor.submit(MAIN, '/account/email', fields, { method: 'PUT' })
      assert.equal(response.status(), 422, JSON.stringify(fields))
      assert.match(response.text(), new RegExp(`id="${id}-error">[^<]*${message}`))
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.lengthOf(await mailsTo(newEmail, since), 0)
    assert.lengthOf(await mailsTo(oldEmail, since), 0)

    const requested = await visitor.submit(MAIN, '/account/email', { email: newEmail, current_password: BLOG_PASSWORD }, { method: 'PUT' })
    assert.equal(requested.status(), 302)
    assert.include((await visitor.follow(requested, MAIN)).text(), `We are sending a confirmation link to ${newEmail}`)
    const link = await newestMailTo(newEmail, { after: since, subject: 'Confirm your new email address' })
    const notice = await newestMailTo(oldEmail, { after: since, subject: 'about to change' })
    assert.include(notice.text, newEmail)
    assert.isNull(notice.link, 'the old address gets no link')

    assert.isTrue(await loginWorks(client, oldEmail, BLOG_PASSWORD), 'nothing changed yet')
    const confirm = await new Visitor(client).get(MAIN, link.link!)
    assert.equal(confirm.status(), 200)
    assert.include(confirm.text(), newEmail)
    renderedCleanly(assert, confirm.text())
    assert.equal((await db.from('public.users').where('email', oldEmail).first())?.username, blog.schemaName, 'a GET changes nothing')

    const clicker = new Visitor(client)
    await clicker.get(MAIN, link.link!)
    const token = new URL(link.link!, 'http://x').searchParams.get('token')!
    const done = await clicker.submit(MAIN, '/account/email/confirm', { token })
    assert.equal(done.status(), 200)
    assert.include(done.text(), `Your account now uses ${newEmail}`)
    renderedCleanly(assert, done.text())
    assert.isTrue(await loginWorks(client, newEmail, BLOG_PASSWORD))
    assert.isFalse(await loginWorks(client, oldEmail, BLOG_PASSWORD))
    const reused = await clicker.submit(MAIN, '/account/email/confirm', { token })
    assert.equal(reused.status(), 410)
  })

  test('a new password voids every link mailed before it: an address change asked with the old one dies', async ({
    client,
    assert,
  }) => {
    const blog = await createBlog(uniqueName('acc_void'))
    const newEmail = `thief_${blog.schemaName}@example.test`
    const { visitor } = await logInOnMain(client, blog.schemaName)
    await visitor.get(MAIN, '/account')
    const since = Date.now()
    await visitor.submit(MAIN, '/account/email', { email: newEmail, current_password: BLOG_PASSWORD }, { method: 'PUT' })
    const link = await newestMailTo(newEmail, { after: since, subject: 'Confirm your new email address' })
    const token = new URL(link.link!, 'http://x').searchParams.get('token')!
    const [row] = await db.from('public.account_tokens').where('purpose', 'change_email').where('new_email', newEmail)
    assert.equal(row.token_hash, createHash('sha256').update(token).digest('hex'), 'only the hash is kept')
    assert.notInclude(JSON.stringify(row), token)

    await visitor.get(MAIN, '/account')
    const changed = await visitor.submit(
      MAIN,
      '/account/password',
      { current_password: BLOG_PASSWORD, password: 'the owner is back', password_confirmation: 'the owner is back' },
      { method: 'PUT' }
    )
    assert.equal(changed.status(), 302)
    assert.equal((await new Visitor(client).get(MAIN, link.link!)).status(), 410, 'the link is spent')
    assert.isNull(await db.from('public.users').where('email', newEmail).first(), 'the address did not change')
  })

  test('an address taken between the request and the link is refused at confirmation', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('acc_race'))
    const wanted = `wanted_${blog.schemaName}@example.test`
    const { visitor } = await logInOnMain(client, blog.schemaName)
    await visitor.get(MAIN, '/account')
    const since = Date.now()
    await visitor.submit(MAIN, '/account/email', { email: wanted, current_password: BLOG_PASSWORD }, { method: 'PUT' })
    const link = await newestMailTo(wanted, { after: since, subject: 'Confirm your new email address' })
    const rival = await createBlog(uniqueName('acc_rival'))
    await db.from('public.users').where('username', rival.schemaName).update({ email: wanted })

    await visitor.get(MAIN, link.link!)
    const token = new URL(link.link!, 'http://x').searchParams.get('token')!
    const refused = await visitor.submit(MAIN, '/account/email/confirm', { token })
    assert.equal(refused.status(), 409)
    assert.include(refused.text(), 'now used by another account')
    const user = await db.from('public.users').where('username', blog.schemaName).firstOrFail()
    assert.equal(user.email, `${blog.schemaName}@example.test`)
  })
})

test.group('Accounts: export and deletion', () => {
  test('"Download my blog" is the tenants:export document of the blog, for its owner only', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('acc_exp'), { posts: 45, marker: 'Exported' })
    const other = await createBlog(uniqueName('acc_exp_other'), { posts: 1 })
    const { visitor } = await logInOnMain(client, blog.schemaName)
    const page = await visitor.get(MAIN, '/account')
    assert.include(page.text(), `href="/account/export/${blog.schemaName}"`)

    const download = await visitor.get(MAIN, `/account/export/${blog.schemaName}`)
    assert.equal(download.status(), 200)
    assert.match(download.header('content-type')!, /^application\/json/)
    assert.equal(download.header('content-disposition'), `attachment; filename="${blog.schemaName}.echoblogs.json"`)
    const document = JSON.parse(download.text())
    assert.equal(document.format, 'echoblogs.tenant')
    assert.equal(document.version, 1)
    assert.equal(document.tenant.schemaName, blog.schemaName)
    assert.deepEqual(document.tenant.domains, [{ domain: blog.domain, isPrimary: true }])
    assert.deepEqual(
      document.posts.map((post: any) => [post.title, post.content, post.author, post.isPublished]),
      Array.from({ length: 45 }, (_, i) => [`Exported post ${i + 1}`, `[Exported/${i + 1}] content`, blog.schemaName, true])
    )
    const cli = await tenancy.transfer.export(blog.schemaName)
    assert.deepEqual(document.posts, cli.posts, 'the posts as tenants:export writes them')
    assert.deepEqual(document.tenant, cli.tenant)

    assert.equal((await visitor.get(MAIN, `/account/export/${other.schemaName}`)).status(), 404, "another user's blog")
    assert.equal((await new Visitor(client).get(MAIN, `/account/export/${blog.schemaName}`)).status(), 302, 'anonymous')
  })

  test('a download read slowly holds no database connection', async ({ assert }) => {
    const blog = await createBlog(uniqueName('acc_slow'))
    const owner = await db.from('public.users').where('username', blog.schemaName).firstOrFail()
    await db.rawQuery(
      `insert into "${blog.schemaName}".posts (title, slug, content, author_id, is_published, published_at, created_at)
       select 'Big ' || i, 'big-' || i, repeat('words ', 20000), ?, true, now(), now() from generate_series(1, 60) i`,
      [owner.id]
    )
    const browser = new Browser()
    assert.equal((await browser.login(MAIN, blog.schemaName, BLOG_PASSWORD)).status, 302)
    const cookie = [...browser.jar(MAIN)].map(([name, value]) => `${name}=${value}`).join('; ')

    const socket = net.connect({ host: browser.base.hostname, port: Number(browser.base.port) })
    socket.pause()
    socket.write(`GET /account/export/${blog.schemaName} HTTP/1.1\r\nHost: ${MAIN}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`)
    await new Promise((resolve) => setTimeout(resolve, 800))
    const { rows } = await db.rawQuery(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`
    )
    assert.equal(rows[0].n, 0, 'no transaction waits on the reader')

    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.resume()
    await new Promise((resolve) => socket.once('close', resolve))
    const raw = Buffer.concat(chunks).toString('utf8')
    assert.match(raw, /^HTTP\/1\.1 200/)
    assert.isAbove(raw.length, 60 * 120_000, 'the whole blog came through')
    assert.include(raw, '"title":"Big 60"')
    assert.match(raw, /\]\}\r\n0\r\n\r\n$/, 'the document ends')
  })

  test('deletion needs the password and the address typed; a refusal loses nothing', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('acc_keep'), { posts: 2 })
    const owner = await db.from('public.users').where('username', blog.schemaName).firstOrFail()
    const { visitor } = await logInOnMain(client, blog.schemaName)
    await visitor.get(MAIN, '/account')

    const cases: [Record<string, string>, string, string][] = [
      [{ current_password: 'wrong password', confirmation: blog.domain }, 'delete-current_password', 'Your current password is not correct.'],
      [{ current_password: BLOG_PASSWORD, confirmation: 'someone-else.localhost' }, 'delete-confirmation', `Type ${blog.domain} exactly`],
      [{ current_password: BLOG_PASSWORD, confirmation: '' }, 'delete-confirmation', 'required'],
      [{ current_password: BLOG_PASSWORD, confirmation: `${blog.domain}\u0000` }, 'delete-confirmation', 'not allowed'],
      [{ current_password: BLOG_PASSWORD, confirmation: 'x'.repeat(100_000) }, 'delete-confirmation', 'exactly'],
    ]
    for (const [fields, id, message] of cases) {
      const response = await visitor.submit(MAIN, '/account', fields, { method: 'DELETE' })
      assert.equal(response.status(), 422, JSON.stringify(fields).slice(0, 80))
      assert.match(response.text(), new RegExp(`id="${id}-error">[^<]*${message}`))
    }
    assert.isTrue(await schemaExists(blog.schemaName))
    assert.isOk(await userRow(owner.id))
    assert.isOk(await db.from('public.domains').where('domain', blog.domain).first())
    assert.equal((await visitor.get(blog.domain, '/')).status(), 200)
    assert.isTrue(await isLoggedIn(visitor, MAIN))
  })

  test('deleting the account removes the blog, its domains and the user, and logs out', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('acc_del'), { posts: 2 })
    const bystander = await createBlog(uniqueName('acc_bystander'), { posts: 1 })
    const owner = await db.from('public.users').where('username', blog.schemaName).firstOrFail()
    const visitor = await logInBoth(client, blog.schemaName, blog.domain)
    assert.equal((await new Visitor(client).get(blog.domain, '/')).status(), 200)
    await issueToken(owner.id, 'reset_password')
    assert.isNotNull(await db.from('public.account_tokens').where('user_id', owner.id).first(), 'a link is out')
    await visitor.get(MAIN, '/account')
    const deleted = await visitor.submit(
      MAIN,
      '/account',
      { current_password: BLOG_PASSWORD, confirmation: ` ${blog.domain.toUpperCase()} ` },
      { method: 'DELETE' }
    )
    assert.equal(deleted.status(), 302)
    assert.equal(deleted.header('location'), '/goodbye')
    const goodbye = await visitor.follow(deleted, MAIN)
    assert.include(goodbye.text(), 'Your account and your blog have been deleted')
    assert.notInclude(goodbye.text(), 'Log out')
    renderedCleanly(assert, goodbye.text())

    assert.isFalse(await schemaExists(blog.schemaName))
    assert.isNull(await db.from('public.tenants').where('schema_name', blog.schemaName).first())
    assert.isNull(await db.from('public.domains').where('domain', blog.domain).first())
    assert.isNull(await userRow(owner.id))
    assert.isNull(await db.from('public.account_tokens').where('user_id', owner.id).first())
    const gone = await new Visitor(client).get(blog.domain, '/')
    assert.equal(gone.status(), 404)
    assert.include(gone.text(), 'No blog here')
    assert.isFalse(await isLoggedIn(visitor, MAIN))
    assert.isFalse(await isLoggedIn(visitor, blog.domain))
    assert.isFalse(await loginWorks(client, blog.schemaName, BLOG_PASSWORD))
    assert.equal((await new Visitor(client).get(bystander.domain, '/')).status(), 200, 'other blogs stay')
    assert.isTrue(await schemaExists(bystander.schemaName))
  })

  test('a user who signed up over HTTP can delete the blog they created', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    const username = uniqueUsername('del_su')
    const { host } = await signUpAndLand(visitor, username)
    await visitor.get(MAIN, '/account')
    const deleted = await visitor.submit(MAIN, '/account', { current_password: PASSWORD, confirmation: host }, { method: 'DELETE' })
    assert.equal(deleted.status(), 302)
    assert.isFalse(await schemaExists(username))
  })
})
