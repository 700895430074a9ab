import { DateTime } from 'luxon'
import Post from '#models/post'
import Tenant from '#models/tenant'
import type User from '#models/user'
import type { RenderedPost } from '#services/markdown'
import type { PostFields } from '#services/post_submission'
import { LimitReached, limitOf } from '#services/plans'
import { postCounts } from '#services/post_stats'
import { inSavepoint, scopedClient } from '#tenancy/tenant_scope'
import { storageBytes } from '#tenancy/tenant_storage'
import type { TenantRef } from '#tenancy/types'
import { slugify, uniqueSlug } from '#services/slugs'
import { splitTags, type TagName } from '#services/tag_names'
import { setPostTags } from '#services/tags'

export interface PostInput {
  title: string
  content: string
  rendered: RenderedPost
  slug?: string | null
  publish: boolean
  /* When to publish (ISO date and time, UTC); none publishes now. */
  publishAt?: string | null
  tags: TagName[]
  /* One of the blog's images (#models/image), or none. */
  coverImageKey?: string | null
}

/*
 * The writer's input from a validated form.
 */
export function postInput(fields: PostFields, rendered: RenderedPost): PostInput {
  return {
    title: fields.title,
    slug: fields.slug,
    content: fields.content,
    rendered,
    publish: fields.publish ?? false,
    publishAt: fields.publish_at ?? null,
    tags: splitTags(fields.tags ?? ''),
    coverImageKey: fields.cover_image_key ?? null,
  }
}

/*
 * Writing posts in the bound blog. The caller renders the Markdown first (off the event
 * loop, #services/post_rendering); the HTML and excerpt are stored with it. Slugs come
 * from the title once and then stay put: an edit only moves a post when the writer changes
 * its slug field. Publishing stamps published_at (first publication only) and the blog's
 * last_post_at for the main site.
 */
export async function createPost(blog: TenantRef, author: User, input: PostInput) {
  await assertRoomForPost(blog)
  const post = new Post()
  post.merge({ title: input.title, authorId: author.id })
  applyContent(post, input)
  applyPublication(post, input)
  await saveWithFreeSlug(post, slugify(input.slug || input.title))
  await setPostTags(post.id, input.tags)
  if (publicationState(post) === 'published') await touchBlog(blog)
  return post
}

/*
 * Throws LimitReached when the blog already holds as many posts as it may, or takes all
 * the storage it may.
 */
export async function assertRoomForPost(blog: TenantRef) {
  const { published, drafts } = await postCounts()
  if (published + drafts >= limitOf(blog, 'posts')) throw new LimitReached(blog, 'posts')
  await assertStorageRoom(blog)
}

/*
 * Edits count too: a blog at its storage limit can still shorten or delete posts, but not
 * grow. Measured from the catalog on each save (saves are rare next to reads).
 */
async function assertStorageRoom(blog: TenantRef) {
  const bytes = (await storageBytes(scopedClient(), [blog.schemaName])).get(blog.schemaName) ?? 0
  if (bytes >= limitOf(blog, 'storageMb') * 1024 * 1024) throw new LimitReached(blog, 'storageMb')
}

export async function updatePost(blog: TenantRef, post: Post, input: PostInput) {
  if (input.content.length > post.content.length) await assertStorageRoom(blog)
  post.merge({ title: input.title })
  applyContent(post, input)
  applyPublication(post, input)
  const wanted = input.slug ? slugify(input.slug) : slugify(input.title)
  if (input.slug !== post.slug && wanted !== post.slug) {
    await saveWithFreeSlug(post, wanted)
  } else {
    await post.save()
  }
  await setPostTags(post.id, input.tags)
  if (publicationState(post) === 'published') await touchBlog(blog)
  return post
}

/*
 * Two writers can pick the same free slug at once; the unique index settles it. The save
 * runs in a savepoint so the loser can roll back just that and take the next free slug,
 * keeping the rest of the request's transaction.
 */
async function saveWithFreeSlug(post: Post, base: string, attempts = 5) {
  for (let attempt = 1; ; attempt++) {
    post.slug = await uniqueSlug(base, post.$isPersisted ? post.id : undefined)
    try {
      await inSavepoint(async (savepoint) => {
        await post.useTransaction(savepoint).save()
      })
      return
    } catch (error) {
      const slugTaken = error?.code === '23505' && error?.constraint === 'posts_slug_unique'
      if (!slugTaken || attempt === attempts) throw error
    }
  }
}

export async function deletePost(post: Post) {
  await post.delete()
}

function applyContent(post: Post, input: PostInput) {
  post.content = input.content
  post.html = input.rendered.html
  post.excerpt = input.rendered.excerpt
  post.coverImageKey = input.coverImageKey ?? null
}

/*
 * A time given schedules the post (or backdates it); none publishes it now, including a
 * post that was scheduled for later. A post published before keeps its date.
 */
function applyPublication(post: Post, { publish, publishAt }: PostInput) {
  post.isPublished = publish
  if (!publish) return
  if (publishAt) post.publishedAt = DateTime.fromISO(publishAt, { zone: 'utc' })
  else if (!post.publishedAt || post.publishedAt > DateTime.now()) post.publishedAt = DateTime.now()
}

export function publicationState(post: Post): 'draft' | 'scheduled' | 'published' {
  if (!post.isPublished) return 'draft'
  return post.publishedAt && post.publishedAt > DateTime.now() ? 'scheduled' : 'published'
}

export function publicationNotice(post: Post, created: boolean) {
  switch (publicationState(post)) {
    case 'draft':
      return created ? `Saved draft “${post.title}”.` : `Saved “${post.title}” as a draft.`
    case 'scheduled':
      return `Scheduled “${post.title}” for ${post.publishedAt!.toUTC().toFormat('yyyy-MM-dd HH:mm')} UTC.`
    default:
      return created ? `Published “${post.title}”.` : `Saved “${post.title}” (published).`
  }
}

async function touchBlog(blog: TenantRef) {
  await Tenant.query().where('id', blog.id).update({ last_post_at: DateTime.now().toSQL() })
}
