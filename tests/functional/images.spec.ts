import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import zlib from 'node:zlib'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { runAce } from '#tests/helpers/ace'
import { rawRequest, statusOf } from '#tests/helpers/raw_http'
import { Browser, ownerOf } from '#tests/helpers/browser'
import { startAppServer } from '#tests/helpers/app_server'
import { createBlog, createUser, uniqueName } from '#tests/helpers/tenants'
import { BLOG_PASSWORD } from '#tests/helpers/visitor'
import tenancy from '#tenancy/service'
import { mediaDisk } from '#tenancy/tenant_media'

type Blog = Awaited<ReturnType<typeof createBlog>>

const MEDIA_ROOT = resolve(app.makePath(), process.env.DRIVE_FS_ROOT ?? 'storage/media')
const base = () => new URL(`http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3333'}`)
const output = (result: { stdout: string; stderr: string }) => result.stdout + result.stderr

/*
 * A real PNG (browsers show it): `noise` fills it with random pixels, which do not
 * compress, so a 600×600 one weighs about 1 MB.
 */
function png(width: number, height: number, { noise = false } = {}) {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])))
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x80)
  if (noise) randomBytes(rows.length).copy(rows)
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: noise ? 0 : 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

interface Upload {
  name: string
  bytes: Buffer
  type?: string
}

function multipart(file: Upload) {
  const boundary = `----echoblogs${randomBytes(8).toString('hex')}`
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${file.name}"\r\n` +
        `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

/*
 * Submits the upload form of the Images page as a browser would: to the form's own
 * action (which carries the CSRF token), as multipart/form-data.
 */
async function upload(browser: Browser, host: string, file: Upload, { csrf = true } = {}) {
  const action = await uploadAction(browser, host)
  const { body, contentType } = multipart(file)
  return browser.send('POST', host, csrf ? action : '/dashboard/images', body, {
    'content-type': contentType,
    'referer': `http://${host}/dashboard/images`,
  })
}

/*
 * The action of the Images page's upload form. Someone who cannot see the page sends what
 * a forged form would: the token of their own session.
 */
async function uploadAction(browser: Browser, host: string) {
  const page = await browser.get(host, '/dashboard/images')
  const form = page.body.match(/<form method="POST" action="([^"]+)" enctype="multipart\/form-data"/)
  return form ? form[1].replaceAll('&amp;', '&') : `/dashboard/images?_csrf=${encodeURIComponent(browser.csrf.get(host) ?? '')}`
}

/* A GET whose body is kept as bytes. */
function fetchBytes(host: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
    const request = http.request(
      { hostname: base().hostname, port: base().port, path, method, headers: { ...headers, host } },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(chunks) })
        )
      }
    )
    request.on('error', reject)
    request.end()
  })
}

async function filesOf(tenantId: number) {
  try {
    return (await readdir(join(MEDIA_ROOT, 'blogs', String(tenantId)))).sort()
  } catch (error) {
    if (error.code === 'ENOENT') return []
    throw error
  }
}

async function bytesOnDisk(tenantId: number) {
  let total = 0
  for (const name of await filesOf(tenantId)) {
    total += await stat(join(MEDIA_ROOT, 'blogs', String(tenantId), name)).then((file) => file.size, () => 0)
  }
  return total
}

/*
 * Sends a multipart upload of `size` bytes (a PNG signature, then noise) over a plain
 * socket as fast as the server takes it, and reports when the answer came, how much had
 * been sent by then (and in all: `keepSending` goes on after the answer, as a browser
 * may), when the server closed the connection (-1: it kept it), the most the blog's
 * directory held meanwhile, and what it holds at the end. (node:http's client loses an
 * answer that arrives while it is still writing.)
 */
async function hugeUpload(owner: Browser, blog: Blog, size: number, { keepSending = false } = {}) {
  const action = await uploadAction(owner, blog.domain)
  const boundary = 'hugeboundary'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n`
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const chunk = randomBytes(64 * 1024)
  png(1, 1).copy(chunk)
  const cookie = [...owner.jar(blog.domain)].map(([name, value]) => `${name}=${value}`).join('; ')
  let peak = 0
  let polling = true
  const poll = (async () => {
    while (polling) {
      peak = Math.max(peak, await bytesOnDisk(blog.id))
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  let sent = 0
  let sentWhenAnswered = 0
  let answeredMs = 0
  try {
    const exchange = rawRequest(base(), [
      `POST ${action} HTTP/1.1`,
      `Host: ${blog.domain}`,
      `Cookie: ${cookie}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`,
      `Content-Length: ${head.length + size + tail.length}`,
    ])
    const started = performance.now()
    exchange.socket.on('data', () => {
      if (answeredMs) return
      answeredMs = performance.now() - started
      sentWhenAnswered = sent
    })
    exchange.socket.write(head)
    while (sent < size && !exchange.socket.destroyed && (keepSending || !answeredMs)) {
      const piece = chunk.subarray(0, Math.min(chunk.length, size - sent))
      sent += piece.length
      if (!exchange.socket.write(piece)) {
        await Promise.race([new Promise((resolve) => exchange.socket.once('drain', resolve)), exchange.closed])
      }
    }
    if ((keepSending || !answeredMs) && !exchange.socket.destroyed) exchange.socket.write(tail)
    const closedMs = await Promise.race([
      exchange.closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(-1), 3_000)),
    ])
    exchange.socket.destroy()
    const raw = exchange.received()
    return { status: statusOf(raw), body: raw, ms: answeredMs, closedMs, sentWhenAnswered, sent, peak, left: await bytesOnDisk(blog.id) }
  } finally {
    polling = false
    await poll
  }
}

async function imageRows(blog: Blog) {
  const { rows } = await db.rawQuery(`select key, original_name, mime_type, bytes, width, height from "${blog.schemaName}".images order by created_at`)
  return rows as { key: string; original_name: string; mime_type: string; bytes: number; width: number; height: number }[]
}


/*
 * A change made by a command reaches the test server through the tenancy notifications.
 */
async function eventually(check: () => Promise<boolean>) {
  for (let attempt = 0; attempt < 60 && !(await check()); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function setLimits(blog: Blog, ...args: string[]) {
  const result = await runAce(['tenants:plan', blog.schemaName, ...args])
  if (result.exitCode !== 0) throw new Error(output(result))
}

/* A page's text as a reader sees it (Edge escapes quotes and ampersands). */
function text(body: string) {
  return body.replaceAll('&#39;', "'").replaceAll('&#x27;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&')
}

function keyIn(body: string) {
  const match = body.match(/\/media\/([A-Za-z0-9_-]{22}\.(?:png|jpg|gif|webp))/)
  if (!match) throw new Error('no image key on the page')
  return match[1]
}

test.group('Images', () => {
  test('an owner uploads an image, gets its Markdown, and anyone is served it from the blog with long caching', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('img'))
    const owner = await ownerOf(blog)
    const dashboard = await owner.get(blog.domain, '/dashboard')
    assert.match(dashboard.body, /<a href="\/dashboard\/images">Images<\/a>\s*<a href="\/dashboard\/settings">Blog settings<\/a>/)
    const page = await owner.get(blog.domain, '/dashboard/images')
    assert.equal(page.status, 200)
    assert.match(page.body, /enctype="multipart\/form-data"/)
    assert.match(page.body, /<label for="field-image">Image<\/label>/)
    assert.match(page.body, /<input type="file" id="field-image" name="image"/)
    assert.include(page.body, 'up to 2 MB.')
    assert.include(page.body, '>Upload image</button>')

    const bytes = png(3, 2)
    const uploaded = await upload(owner, blog.domain, { name: 'Sunset over the bay.png', bytes, type: 'image/png' })
    assert.equal(uploaded.status, 302, uploaded.body)
    assert.equal(uploaded.headers.location, '/dashboard/images')
    const listed = await owner.get(blog.domain, '/dashboard/images')
    assert.include(listed.body, 'Uploaded “Sunset over the bay.png”.')
    const key = keyIn(listed.body)
    assert.match(key, /\.png$/)
    assert.include(listed.body, `<code class="snippet">![Sunset over the bay](/media/${key})</code>`)
    assert.include(listed.body, '3×2')
    assert.deepEqual(await filesOf(blog.id), [key])
    const [row] = await imageRows(blog)
    assert.deepInclude(row, { key, original_name: 'Sunset over the bay.png', mime_type: 'image/png', bytes: bytes.length, width: 3, height: 2 })

    const served = await fetchBytes(blog.domain, `/media/${key}`)
    assert.equal(served.status, 200)
    assert.isTrue(served.bytes.equals(bytes))
    assert.equal(served.headers['content-type'], 'image/png')
    assert.equal(served.headers['content-length'], String(bytes.length))
    assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal(served.headers['x-content-type-options'], 'nosniff')
    assert.isUndefined(served.headers['set-cookie'])
    assert.isUndefined(served.headers['content-encoding'])
    assert.match(String(served.headers['content-security-policy']), /img-src 'self'/)

    const again = await fetchBytes(blog.domain, `/media/${key}`, { 'if-none-match': String(served.headers.etag) })
    assert.equal(again.status, 304)
    assert.equal(again.bytes.length, 0)
    const head = await fetchBytes(blog.domain, `/media/${key}`, {}, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.headers['content-length'], String(bytes.length))

    // The owner's own requests carry a session cookie: the response still sets none.
    const cookie = [...owner.jar(blog.domain)].map(([name, value]) => `${name}=${value}`).join('; ')
    const asOwner = await fetchBytes(blog.domain, `/media/${key}`, { cookie })
    assert.equal(asOwner.status, 200)
    assert.isUndefined(asOwner.headers['set-cookie'])
  })

  test('content decides the type: HTML named .png, SVG, an empty file and no file are refused and nothing is kept', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('imgtype'))
    const owner = await ownerOf(blog)
    const refusals: [Upload, RegExp][] = [
      [{ name: 'cat.png', bytes: Buffer.from('<!doctype html><script>alert(1)</script>'), type: 'image/png' }, /“cat.png” is not a JPEG, PNG, GIF or WebP image \(the file's content was checked, not its name\)/],
      [
        { name: 'logo.svg', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), type: 'image/svg+xml' },
        /SVG is not accepted: it can carry scripts/,
      ],
      [{ name: 'short.gif', bytes: Buffer.from('GIF8'), type: 'image/gif' }, /is not a JPEG, PNG, GIF or WebP image/],
      [{ name: 'empty.jpg', bytes: Buffer.alloc(0), type: 'image/jpeg' }, /“empty.jpg” is empty/],
      [{ name: '', bytes: Buffer.alloc(0) }, /Choose an image file to upload/],
    ]
    for (const [file, message] of refusals) {
      const refused = await upload(owner, blog.domain, file)
      assert.equal(refused.status, 422, file.name)
      assert.match(text(refused.body), message)
      assert.include(refused.body, '<p class="field-error" id="field-image-error">')
      assert.include(refused.body, 'enctype="multipart/form-data"', 'the form is shown again')
    }
    assert.deepEqual(await filesOf(blog.id), [])
    assert.deepEqual(await imageRows(blog), [])
  })

  test('the plan limits an image’s size and the blog’s storage, and the bodyparser caps any upload', async ({ assert }) => {
    const blog = await createBlog(uniqueName('imgsize'))
    const owner = await ownerOf(blog)
    const big = png(800, 800, { noise: true })
    assert.isAbove(big.length, 1.5 * 1024 * 1024)

    await setLimits(blog, '--limit', 'imageMb=1')
    await eventually(async () => (await owner.get(blog.domain, '/dashboard/images')).body.includes('up to 1 MB.'))
    const tooBig = await upload(owner, blog.domain, { name: 'huge.png', bytes: big, type: 'image/png' })
    assert.equal(tooBig.status, 413)
    assert.include(text(tooBig.body), "“huge.png” is larger than 1 MB, this blog's limit per image.")
    assert.deepEqual(await filesOf(blog.id), [])

    await setLimits(blog, '--reset', 'imageMb', '--limit', 'storageMb=1')
    await eventually(async () => (await owner.get(blog.domain, '/dashboard/images')).body.includes('up to 2 MB.'))
    const full = await upload(owner, blog.domain, { name: 'huge.png', bytes: big, type: 'image/png' })
    assert.equal(full.status, 403)
    assert.include(full.body, 'This blog has reached its limit of 1 MB of storage')
    assert.deepEqual(await filesOf(blog.id), [], 'the stored file is removed when the row is refused')
    assert.deepEqual(await imageRows(blog), [])

    // Images count in the storage of posts too, and in tenants:usage.
    await setLimits(blog, '--reset', 'storageMb')
    await eventually(async () => !(await owner.get(blog.domain, '/dashboard/images')).body.includes('limit'))
    assert.equal((await upload(owner, blog.domain, { name: 'fits.png', bytes: big, type: 'image/png' })).status, 302)
    const usage = await runAce(['tenants:usage', '--json'])
    const mine = JSON.parse(usage.stdout.slice(usage.stdout.search(/^\[/m))).find((row: any) => row.schema === blog.schemaName)
    assert.isAbove(mine.storageBytes, big.length)

    // Whatever the plan says, the bodyparser's multipart limit (25 MB) stops the stream.
    await setLimits(blog, '--limit', 'imageMb=1000', '--limit', 'storageMb=100000')
    await eventually(async () => (await owner.get(blog.domain, '/dashboard/images')).body.includes('up to 1000 MB.'))
    const ceiling = await upload(owner, blog.domain, { name: 'ceiling.png', bytes: Buffer.concat([big, randomBytes(26 * 1024 * 1024)]), type: 'image/png' })
    assert.equal(ceiling.status, 413)
    assert.include(ceiling.body, 'This upload is over 25 MB, the most this server accepts in one request.')
    assert.lengthOf(await filesOf(blog.id), 1, 'only the image that fitted')
  }).timeout(60_000)

  test('keys are per blog: another blog’s key, a traversal or a made-up key is a 404', async ({ assert }) => {
    const alice = await createBlog(uniqueName('imga'))
    const bob = await createBlog(uniqueName('imgb'))
    const owner = await ownerOf(alice)
    assert.equal((await upload(owner, alice.domain, { name: 'a.png', bytes: png(1, 1) })).status, 302)
    const key = keyIn((await owner.get(alice.domain, '/dashboard/images')).body)

    assert.equal((await fetchBytes(alice.domain, `/media/${key}`)).status, 200)
    assert.equal((await fetchBytes(bob.domain, `/media/${key}`)).status, 404, "alice's key on bob's host")
    for (const path of [
      `/media/..%2F${alice.id}%2F${key}`,
      `/media/../blogs/${alice.id}/${key}`,
      `/media/%2E%2E%2F%2E%2E%2Fpackage.json`,
      `/media/${key.replace('.png', '.svg')}`,
      `/media/${key.replace('.png', '.jpg')}`,
      `/media/AAAAAAAAAAAAAAAAAAAAAA.png`,
      `/media/${key}%00`,
    ]) {
      const response = await fetchBytes(bob.domain, path)
      assert.equal(response.status, 404, path)
      assert.notInclude(response.bytes.toString('latin1'), '"name": "echoblogs"')
    }

    // Bob's owner cannot delete alice's image through his own dashboard either.
    const bobOwner = await ownerOf(bob)
    await bobOwner.get(bob.domain, '/dashboard/images')
    const deleted = await bobOwner.post(bob.domain, `/dashboard/images/${key}?_method=DELETE`, {})
    assert.equal(deleted.status, 404)
    assert.deepEqual(await filesOf(alice.id), [key])
  })

  test('only the owner uploads: no login, another user, a missing CSRF token write nothing', async ({ assert }) => {
    const blog = await createBlog(uniqueName('imgauth'))
    const file = { name: 'x.png', bytes: png(2, 2), type: 'image/png' }
    const { body, contentType } = multipart(file)

    // A visitor has no session, so no CSRF token: refused before the body is read.
    const visitor = new Browser()
    const anonymous = await visitor.send('POST', blog.domain, '/dashboard/images', body, { 'content-type': contentType })
    assert.equal(anonymous.status, 403)
    const guessed = await visitor.send('POST', blog.domain, '/dashboard/images?_csrf=guess', body, { 'content-type': contentType })
    assert.equal(guessed.status, 403)

    const stranger = await createUser(uniqueName('stranger'))
    const other = new Browser()
    assert.equal((await other.login(blog.domain, stranger.username, BLOG_PASSWORD)).status, 302)
    const refused = await upload(other, blog.domain, file)
    assert.equal(refused.status, 403)
    assert.include(refused.body, 'Only the owner of this blog can use its dashboard.')

    const owner = await ownerOf(blog)
    const forged = await upload(owner, blog.domain, file, { csrf: false })
    assert.equal(forged.status, 403)
    assert.include(forged.body, 'expired')

    assert.deepEqual(await filesOf(blog.id), [])
    assert.deepEqual(await imageRows(blog), [])
  })

  test('a post gets a cover image; deleting the image removes its file and the cover', async ({ assert }) => {
    const blog = await createBlog(uniqueName('imgcover'))
    const owner = await ownerOf(blog)
    assert.equal((await upload(owner, blog.domain, { name: 'Harbour.png', bytes: png(4, 3) })).status, 302)
    const key = keyIn((await owner.get(blog.domain, '/dashboard/images')).body)

    const editor = await owner.get(blog.domain, '/dashboard/posts/new')
    assert.match(editor.body, /<label for="field-cover_image_key">Cover image \(optional\)<\/label>/)
    assert.match(editor.body, /<option value="" selected>No cover image<\/option>/)
    assert.include(editor.body, `<option value="${key}" >Harbour.png</option>`)
    const bogus = await owner.post(blog.domain, '/dashboard/posts', {
      title: 'At the harbour',
      content: 'Boats.',
      publish: '1',
      cover_image_key: 'AAAAAAAAAAAAAAAAAAAAAA.png',
    })
    assert.equal(bogus.status, 422)
    assert.include(bogus.body, 'This image is no longer on the blog: choose another one')
    assert.include(bogus.body, 'At the harbour', 'the form keeps its input')

    const saved = await owner.post(blog.domain, '/dashboard/posts', { title: 'At the harbour', content: 'Boats.', publish: '1', cover_image_key: key })
    assert.equal(saved.status, 302)
    const reader = new Browser()
    reader.keepCookies = false
    const post = await reader.get(blog.domain, '/posts/at-the-harbour')
    assert.include(post.body, `<img class="cover" src="/media/${key}" alt="" width=4 height=3>`)

    await owner.get(blog.domain, '/dashboard/images')
    const deleted = await owner.post(blog.domain, `/dashboard/images/${key}?_method=DELETE`, {})
    assert.equal(deleted.status, 302)
    assert.include((await owner.get(blog.domain, '/dashboard/images')).body, 'Deleted “Harbour.png”.')
    assert.deepEqual(await filesOf(blog.id), [])
    assert.equal((await fetchBytes(blog.domain, `/media/${key}`)).status, 404)
    assert.notInclude((await reader.get(blog.domain, '/posts/at-the-harbour')).body, 'class="cover"')
  })

  test('export and import carry the images byte for byte; clone copies them; deleting a blog removes its files', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('imgxfer'))
    const owner = await ownerOf(blog)
    const bytes = png(300, 200, { noise: true })
    assert.equal((await upload(owner, blog.domain, { name: 'Field.png', bytes })).status, 302)
    const key = keyIn((await owner.get(blog.domain, '/dashboard/images')).body)
    await owner.get(blog.domain, '/dashboard/posts/new')
    await owner.post(blog.domain, '/dashboard/posts', { title: 'Field', content: 'Grass.', publish: '1', cover_image_key: key })

    const dir = await mkdtemp(join(tmpdir(), 'echoblogs-images-'))
    try {
      const file = join(dir, 'export.json')
      const exported = await runAce(['tenants:export', blog.schemaName, '--out', file])
      assert.equal(exported.exitCode, 0, output(exported))
      assert.include(output(exported), '(1 posts, 1 image)')
      const document = JSON.parse(await readFile(file, 'utf8'))
      assert.equal(document.images[0].key, key)
      assert.equal(document.posts[0].coverImageKey, key)
      // The owner's download ("Download my blog") streams the same document, images included.
      let streamed = ''
      for await (const piece of tenancy.transfer.exportChunks(blog.schemaName)) streamed += piece
      const downloaded = JSON.parse(streamed)
      assert.deepEqual(downloaded.images, document.images)
      assert.deepEqual(Buffer.from(downloaded.images[0].data, 'base64'), bytes)
      assert.deepEqual(downloaded.posts, document.posts)

      const copyName = uniqueName('imgcopy')
      const imported = await runAce(['tenants:import', file, '--as', copyName])
      assert.equal(imported.exitCode, 0, output(imported))
      assert.include(output(imported), '(1 image)')
      const copy = await tenancy.lifecycle.find(copyName)
      const copyHost = tenancy.lifecycle.defaultDomain(copyName)
      const served = await fetchBytes(copyHost, `/media/${key}`)
      assert.equal(served.status, 200)
      assert.isTrue(served.bytes.equals(bytes), 'the imported image is the uploaded one, byte for byte')
      assert.include((await new Browser().get(copyHost, '/posts/field')).body, `src="/media/${key}"`)

      // A document whose image is not what its name says is refused, and leaves nothing.
      document.images[0].data = Buffer.from('<svg onload="alert(1)"/>').toString('base64')
      await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify(document)))
      const forgedName = uniqueName('imgforged')
      const forged = await runAce(['tenants:import', file, '--as', forgedName])
      assert.equal(forged.exitCode, 1)
      assert.include(output(forged), 'is not the image/png image its name says')
      assert.isNull(await db.from('public.tenants').where('schema_name', forgedName).first())

      const cloneName = uniqueName('imgclone')
      const clone = await tenancy.lifecycle.clone(blog.schemaName, { schemaName: cloneName, withData: true })
      assert.deepEqual(await filesOf(clone.id), [key])
      const cloneServed = await fetchBytes(tenancy.lifecycle.defaultDomain(cloneName), `/media/${key}`)
      assert.isTrue(cloneServed.bytes.equals(bytes))

      for (const tenant of [blog, copy, clone]) {
        const result = await tenancy.lifecycle.delete(tenant.schemaName)
        assert.isNull(result.mediaLeft)
        assert.deepEqual(await filesOf(tenant.id), [], `${tenant.schemaName}'s files are gone`)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }).timeout(60_000)

  test('a blog whose files the disk refuses to delete is still deleted, and the files left are named', async ({ assert }) => {
    const blog = await createBlog(uniqueName('imgleft'))
    const owner = await ownerOf(blog)
    assert.equal((await upload(owner, blog.domain, { name: 'stuck.png', bytes: png(1, 1) })).status, 302)
    const disk = mediaDisk()
    const deleteAll = disk.deleteAll
    disk.deleteAll = async () => {
      throw new Error('disk refused')
    }
    try {
      const result = await tenancy.lifecycle.delete(blog.schemaName)
      assert.deepEqual(result.mediaLeft, { prefix: `blogs/${blog.id}`, error: 'disk refused' })
    } finally {
      disk.deleteAll = deleteAll
    }
    assert.isNull(await db.from('public.tenants').where('id', blog.id).first(), 'the blog itself is gone')
    assert.lengthOf(await filesOf(blog.id), 1)
    await disk.deleteAll(`blogs/${blog.id}`)
  })

  test('measured: a 1 MB image uploaded then served; a 100 MB upload refused at the plan and at the ceiling', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('imgbench'))
    const owner = await ownerOf(blog)
    const image = png(590, 590, { noise: true })
    assert.approximately(image.length, 1024 * 1024, 64 * 1024)
    const { body, contentType } = multipart({ name: 'one-megabyte.png', bytes: image })
    const action = await uploadAction(owner, blog.domain)
    const startUpload = performance.now()
    const uploaded = await owner.send('POST', blog.domain, action, body, { 'content-type': contentType })
    const uploadMs = performance.now() - startUpload
    assert.equal(uploaded.status, 302)
    const key = keyIn((await owner.get(blog.domain, '/dashboard/images')).body)
    const startServe = performance.now()
    const served = await fetchBytes(blog.domain, `/media/${key}`)
    const serveMs = performance.now() - startServe
    assert.isTrue(served.bytes.equals(image))

    const before = await bytesOnDisk(blog.id)
    const atPlan = await hugeUpload(owner, blog, 100 * 1024 * 1024)
    assert.equal(atPlan.status, 413)
    assert.include(text(atPlan.body), "is larger than 2 MB, this blog's limit per image")
    assert.isAtMost(atPlan.peak - before, 2 * 1024 * 1024 + 64 * 1024, 'never more than the plan allows on disk')
    assert.equal(atPlan.left, before, 'nothing of it is kept')

    // A client that sends its whole body whatever the answer: read and dropped, never written.
    const stubborn = await hugeUpload(owner, blog, 100 * 1024 * 1024, { keepSending: true })
    assert.equal(stubborn.status, 413)
    assert.isAtMost(stubborn.peak - before, 2 * 1024 * 1024 + 64 * 1024)
    assert.equal(stubborn.left, before)

    await setLimits(blog, '--limit', 'imageMb=1000', '--limit', 'storageMb=100000')
    await eventually(async () => (await owner.get(blog.domain, '/dashboard/images')).body.includes('up to 1000 MB.'))
    const atCeiling = await hugeUpload(owner, blog, 100 * 1024 * 1024)
    assert.equal(atCeiling.status, 413)
    assert.include(atCeiling.body, 'This upload is over 25 MB')
    assert.isAtMost(atCeiling.peak - before, 25 * 1024 * 1024 + 64 * 1024, 'the ceiling holds whatever the plan')
    assert.equal(atCeiling.left, before)

    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
    console.log(
      `IMAGES_BENCH upload 1 MB: ${uploadMs.toFixed(0)} ms, serve it: ${serveMs.toFixed(0)} ms; ` +
        `100 MB at a 2 MB plan: refused in ${atPlan.ms.toFixed(0)} ms (connection closed at ${atPlan.closedMs.toFixed(0)} ms) after ${mb(atPlan.sentWhenAnswered)} MB sent, ` +
        `peak ${mb(atPlan.peak - before)} MB on disk, ${mb(atPlan.left - before)} MB left; ` +
        `a client sending all 100 MB regardless: answered in ${stubborn.ms.toFixed(0)} ms, sent ${mb(stubborn.sent)} MB, ` +
        `connection ${stubborn.closedMs < 0 ? 'kept (body drained)' : `closed at ${stubborn.closedMs.toFixed(0)} ms`}, peak ${mb(stubborn.peak - before)} MB on disk; ` +
        `100 MB at the 25 MB ceiling: refused in ${atCeiling.ms.toFixed(0)} ms (connection closed at ${atCeiling.closedMs.toFixed(0)} ms) after ${mb(atCeiling.sentWhenAnswered)} MB sent, ` +
        `peak ${mb(atCeiling.peak - before)} MB on disk, ${mb(atCeiling.left - before)} MB left`
    )
  }).timeout(60_000)

  test('images count apart from pages: an address out of page allowance still loads images, and a flood of them is cut', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('img_rate'))
    const owner = await ownerOf(blog)
    assert.equal((await upload(owner, blog.domain, { name: 'a.png', bytes: png(4, 4), type: 'image/png' })).status, 302)
    const key = keyIn((await owner.get(blog.domain, '/dashboard/images')).body)
    const server = await startAppServer(3394, { MISS_LIMIT_PER_IP: '3', MEDIA_LIMIT_PER_IP: '40' })
    const get = (path: string) =>
      new Promise<number>((done, fail) => {
        const request = http.request({ hostname: '127.0.0.1', port: 3394, path, headers: { host: blog.domain } }, (response) => {
          response.resume()
          response.on('end', () => done(response.statusCode ?? 0))
        })
        request.on('error', fail)
        request.end()
      })
    try {
      const pages: number[] = []
      for (let i = 0; i < 4; i++) pages.push(await get(`/posts/missing-${i}`))
      assert.deepEqual(pages, [404, 404, 404, 429], 'the address has spent its page allowance')
      // Each counter's second starts at its first request: the burst fits in it.
      const images = await Promise.all(Array.from({ length: 50 }, () => get(`/media/${key}`)))
      assert.equal(images.filter((status) => status === 200).length, 40, 'images still load, on their own allowance')
      assert.equal(images.filter((status) => status === 429).length, 10, 'past 40 images a second, the address waits')
    } finally {
      await server.stop()
    }
  }).timeout(60_000)

  test('a blog receives two uploads at once: a third is refused at once, and the next one after them is taken', async ({
    assert,
  }) => {
    const blog = await createBlog(uniqueName('img_flight'))
    const owner = await ownerOf(blog)
    const action = await uploadAction(owner, blog.domain)
    const cookie = [...owner.jar(blog.domain)].map(([name, value]) => `${name}=${value}`).join('; ')
    const head = Buffer.from(
      '--slow\r\nContent-Disposition: form-data; name="image"; filename="slow.png"\r\nContent-Type: image/png\r\n\r\n'
    )
    // Two uploads that announce 1 MB and send a few bytes of it, then wait.
    const slow = [1, 2].map(() => {
      const exchange = rawRequest(base(), [
        `POST ${action} HTTP/1.1`,
        `Host: ${blog.domain}`,
        `Cookie: ${cookie}`,
        'Content-Type: multipart/form-data; boundary=slow',
        `Content-Length: ${head.length + 1024 * 1024}`,
      ])
      exchange.socket.write(Buffer.concat([head, png(1, 1)]))
      return exchange
    })
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const third = await upload(owner, blog.domain, { name: 'third.png', bytes: png(2, 2), type: 'image/png' })
      assert.equal(third.status, 429)
      assert.include(text(third.body), 'This blog is already receiving 2 uploads. Try again once they are done.')
    } finally {
      for (const exchange of slow) exchange.socket.destroy()
    }
    await Promise.all(slow.map((exchange) => exchange.closed))
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal((await upload(owner, blog.domain, { name: 'next.png', bytes: png(2, 2), type: 'image/png' })).status, 302)
    assert.lengthOf(await imageRows(blog), 1, 'only the last upload was kept')
  }).timeout(30_000)
})
