import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'

export const postValidator = vine.compile(
  vine.object({
    title: vine.string().trim().minLength(1).maxLength(255).use(noNul()),
    slug: vine
      .string()
      .trim()
      .maxLength(200)
      .regex(/^[A-Za-z0-9 _-]*$/)
      .optional(),
    content: vine.string().trim().minLength(1).maxLength(200_000).use(noNul()),
    publish: vine.boolean().optional(),
  })
)

postValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'title.maxLength': 'Use at most {{ max }} characters',
  'slug.regex': 'Use letters, digits and dashes only',
  'slug.maxLength': 'Use at most {{ max }} characters',
  'content.maxLength': 'This post is too long',
})
