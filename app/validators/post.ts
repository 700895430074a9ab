import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { DateTime } from 'luxon'
import { noNul } from '#validators/text'
import { MAX_TAGS_PER_POST, MAX_TAG_LENGTH, splitTags } from '#services/tag_names'
import { IMAGE_KEY } from '#tenancy/tenant_media'

/*
 * The content limit depends on the blog's plan (#services/plans): pass it as metadata,
 * `request.validateUsing(postValidator, { meta: { maxChars } })`.
 */
const withinPlan = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const { maxChars } = field.meta as { maxChars: number }
  if (value.length > maxChars) {
    field.report(
      `This post is ${value.length.toLocaleString('en')} characters long; this blog's plan allows ${maxChars.toLocaleString('en')}. Shorten it or split it into several posts.`,
      'withinPlan',
      field
    )
  }
})

/*
 * A publication time is a real moment, within ten years either way, for a post being
 * published: a draft has no time to keep it for.
 */
const whenPublished = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const at = DateTime.fromISO(value, { zone: 'utc' })
  if (!at.isValid || Math.abs(at.diffNow('years').years) > 10) {
    field.report('Give a date and time within ten years, such as 2027-01-31T09:00', 'whenPublished', field)
  } else if (!(field.parent as { publish?: unknown }).publish) {
    field.report('Tick "Published" to publish at this time, or leave the time empty', 'whenPublished', field)
  }
})

/*
 * Comma-separated tags: a few, short, each with a letter or digit to make its address of.
 */
const tagList = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  const parts = value.split(',').map((part) => part.trim()).filter(Boolean)
  const tooLong = parts.find((part) => part.length > MAX_TAG_LENGTH)
  const unnamed = parts.find((part) => !/[A-Za-z0-9]/.test(part.normalize('NFKD')))
  if (splitTags(value).length > MAX_TAGS_PER_POST) {
    field.report(`Use at most ${MAX_TAGS_PER_POST} tags`, 'tagList', field)
  } else if (tooLong) {
    field.report(`“${tooLong.slice(0, 20)}…” is too long: a tag has at most ${MAX_TAG_LENGTH} characters`, 'tagList', field)
  } else if (unnamed) {
    field.report(`“${unnamed}” needs a Latin letter or a digit, to make the tag's address of`, 'tagList', field)
  }
})

export const postValidator = vine.withMetaData<{ maxChars: number }>().compile(
  vine.object({
    title: vine.string().trim().minLength(1).maxLength(255).use(noNul()),
    slug: vine
      .string()
      .trim()
      .maxLength(200)
      .regex(/^[A-Za-z0-9 _-]*$/)
      .optional(),
    content: vine.string().trim().minLength(1).use(noNul()).use(withinPlan()),
    tags: vine.string().trim().maxLength(1000).use(noNul()).use(tagList()).optional(),
    publish: vine.boolean().optional(),
    // A datetime-local field, read as UTC; seconds are optional.
    publish_at: vine
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/)
      .use(whenPublished())
      .optional(),
    // One of the blog's images (checked against its rows when saved), or none.
    cover_image_key: vine.string().trim().regex(IMAGE_KEY).optional(),
  })
)

postValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'title.maxLength': 'Use at most {{ max }} characters',
  'slug.regex': 'Use letters, digits and dashes only',
  'slug.maxLength': 'Use at most {{ max }} characters',
  'tags.maxLength': 'Use at most {{ max }} characters for the tags',
  'publish_at.regex': 'Give a date and time such as 2027-01-31T09:00',
  'cover_image_key.regex': 'Choose one of this blog\'s images',
})

/*
 * The editor's preview: the content alone, within the plan's length; empty previews as
 * nothing.
 */
export const postPreviewValidator = vine.withMetaData<{ maxChars: number }>().compile(
  vine.object({
    content: vine.string().use(noNul()).use(withinPlan()).optional(),
  })
)
