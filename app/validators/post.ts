import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { DateTime } from 'luxon'
import { noNul } from '#validators/text'
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
  'publish_at.regex': 'Give a date and time such as 2027-01-31T09:00',
  'cover_image_key.regex': 'Choose one of this blog\'s images',
})
