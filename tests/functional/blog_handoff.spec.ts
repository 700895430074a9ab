import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { issueHandoff } from '#services/login_handoff'
import { createBlog, uniqueName } from '#tests/helpers/tenants'
import { PASSWORD, Visitor, signUpAndLand, uniqueUsername } from '#tests/helpers/visitor'

function tokenPath(location: string | undefined) {
  const url = new URL(location!)
  return `${url.pathname}${url.search}`
}

test.group('Login hand-off to the blog host', () => {
  test('a hand-off link works once', async ({ client, assert }) => {
    const username = uniqueUsername('ho')
    const { host, created } = await signUpAndLand(new Visitor(client), username)

    const replay = new Visitor(client)
    const again = await replay.get(host, tokenPath(created.header('location')))
    assert.equal(again.header('location'), '/login')
    const dashboard = await replay.get(host, '/dashboard')
    assert.equal(dashboard.header('location'), '/login?next=%2Fdashboard')

    const used = await db.from('public.login_handoffs').whereNotNull('used_at')
    assert.isAtLeast(used.length, 1)
  })

  test('a token for one blog is refused on another and still works on its own', async ({ client, assert }) => {
    const username = uniqueUsername('hoa')
    await signUpAndLand(new Visitor(client), username)
    const other = await createBlog(uniqueName('hob'))

    const visitor = new Visitor(client)
    await visitor.get('localhost', '/login')
    const login = await visitor.submit('localhost', '/login', { uid: username, password: PASSWORD })
    const path = tokenPath(login.header('location'))

    const elsewhere = await visitor.get(other.domain, path)
    assert.equal(elsewhere.header('location'), '/login')
    assert.equal((await visitor.get(other.domain, '/dashboard')).status(), 302)

    const home = await visitor.get(`${username.replaceAll('_', '-')}.localhost`, path)
    assert.equal(home.header('location'), '/dashboard')
  })

  test('forged, expired and non-owner tokens are refused', async ({ client, assert }) => {
    const blog = await createBlog(uniqueName('hoc'))
    const owner = await User.findByOrFail('username', blog.schemaName)
    const stranger = await User.create({
      username: uniqueName('stranger'),
      email: `${uniqueName('stranger')}@example.test`,
      password: 'secret-password',
    })
    const visitor = new Visitor(client)

    const forged = await visitor.get(blog.domain, '/auth/handoff?token=not-a-token')
    assert.equal(forged.header('location'), '/login')

    const expired = await issueHandoff(owner, blog.id, 'login')
    await db.from('public.login_handoffs').where('user_id', owner.id).update({ expires_at: new Date(0) })
    const late = await visitor.get(blog.domain, `/auth/handoff?token=${encodeURIComponent(expired)}`)
    assert.equal(late.header('location'), '/login')

    const notOwner = await issueHandoff(stranger, blog.id, 'login')
    const denied = await visitor.get(blog.domain, `/auth/handoff?token=${encodeURIComponent(notOwner)}`)
    assert.equal(denied.header('location'), '/login')

    const valid = await issueHandoff(owner, blog.id, 'login')
    const ok = await visitor.get(blog.domain, `/auth/handoff?token=${encodeURIComponent(valid)}`)
    assert.equal(ok.header('location'), '/dashboard')
  })
})
