import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { PASSWORD, Visitor, signUpAndLand, signupFields, uniqueUsername } from '#tests/helpers/visitor'

async function schemaExists(name: string) {
  const { rows } = await db.rawQuery('select 1 from pg_namespace where nspname = ?', [name])
  return rows.length === 1
}

test.group('Sign up', () => {
  test('a new blogger signs up and lands on their dashboard on their own host', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    const username = uniqueUsername('su')
    const { host, created, handoff, dashboard } = await signUpAndLand(visitor, username, 'localhost:3333')

    assert.match(created.header('location')!, new RegExp(`^http://${host}:3333/auth/handoff\\?token=`))
    assert.equal(handoff.header('location'), '/dashboard')
    dashboard.assertStatus(200)
    assert.include(dashboard.text(), 'Welcome to your new blog')
    assert.include(dashboard.text(), `The ${username} blog`)

    const tenant = await db.from('public.tenants').where('schema_name', username).firstOrFail()
    const user = await db.from('public.users').where('username', username).firstOrFail()
    const domain = await db.from('public.domains').where('tenant_id', tenant.id).firstOrFail()
    assert.equal(tenant.owner_id, user.id)
    assert.equal(domain.domain, host)
    assert.isTrue(domain.is_primary)
    assert.isTrue(await schemaExists(username))
    assert.notEqual(user.password, PASSWORD)

    const blog = await visitor.get(host, '/')
    assert.include(blog.text(), `The ${username} blog`)
  })

  test('invalid sign-ups get field errors and keep the other input', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    const taken = uniqueUsername('taken')
    await signUpAndLand(visitor, taken)

    const cases: [Record<string, string>, string, string][] = [
      [{ username: taken }, 'username', 'already taken'],
      [{ username: 'admin' }, 'username', 'reserved'],
      [{ username: 'www' }, 'username', 'reserved'],
      [{ username: 'select' }, 'username', 'reserved'],
      [{ username: '9lives' }, 'username', 'must start with a lower-case letter'],
      [{ username: 'no-dashes' }, 'username', 'must start with a lower-case letter'],
      [{ email: `${taken}@example.test` }, 'email', 'cannot be used for a new blog. If you already have an account, log in instead.'],
      [{ email: 'not-an-email' }, 'email', 'valid email'],
      [{ password: 'short', password_confirmation: 'short' }, 'password', 'at least 8'],
      [{ password_confirmation: 'something else' }, 'password', 'do not match'],
    ]
    for (const [overrides, field, message] of cases) {
      const fresh = new Visitor(client)
      const username = overrides.username ?? uniqueUsername('bad')
      const form = await fresh.get('localhost', '/signup')
      assert.include(form.text(), 'with any underscore written as a hyphen')
      const response = await fresh.submit('localhost', '/signup', signupFields(username, overrides))
      assert.equal(response.status(), 422, JSON.stringify(overrides))
      const html = response.text()
      assert.match(html, new RegExp(`id="field-${field}-error">[^<]*${message}`), JSON.stringify(overrides))
      assert.include(html, `value="The ${username} blog"`)
      assert.notInclude(html, PASSWORD)
      if (field !== 'username') assert.include(html, `value="${username}"`)
      if (!overrides.username || overrides.username !== taken) {
        assert.isFalse(await schemaExists(username))
      }
    }
  })

  test('a user logs in on the main site with email or username and lands on their blog', async ({ client, assert }) => {
    const username = uniqueUsername('li')
    await signUpAndLand(new Visitor(client), username)

    for (const uid of [username, `${username}@example.test`, `${username.toUpperCase()}@EXAMPLE.TEST`]) {
      const visitor = new Visitor(client)
      await visitor.get('localhost', '/login')
      const response = await visitor.submit('localhost', '/login', { uid, password: PASSWORD })
      assert.match(response.header('location')!, /\/auth\/handoff\?token=/)
      const handoff = await visitor.follow(response, 'localhost')
      const dashboard = await visitor.follow(handoff, `${username.replaceAll('_', '-')}.localhost`)
      dashboard.assertStatus(200)
      assert.include(dashboard.text(), 'Dashboard')
    }

    const visitor = new Visitor(client)
    await visitor.get('localhost', '/login')
    const wrong = await visitor.submit('localhost', '/login', { uid: username, password: 'wrong password' })
    assert.equal(wrong.status(), 422)
    assert.include(wrong.text(), 'The email, username or password is not correct.')
    assert.include(wrong.text(), `value="${username}"`)
  })

  test('logging out on the main site ends that session', async ({ client, assert }) => {
    const visitor = new Visitor(client)
    await signUpAndLand(visitor, uniqueUsername('lo'))
    const home = await visitor.get('localhost', '/')
    assert.include(home.text(), 'Go to my blog')
    const out = await visitor.submit('localhost', '/logout', {})
    assert.equal(out.header('location'), '/')
    const after = await visitor.follow(out, 'localhost')
    assert.include(after.text(), 'You are logged out.')
    assert.notInclude(after.text(), 'Go to my blog')
  })
})
