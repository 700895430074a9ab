import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'

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
  })
)

postValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'title.maxLength': 'Use at most {{ max }} characters',
  'slug.regex': 'Use letters, digits and dashes only',
  'slug.maxLength': 'Use at most {{ max }} characters',
})
