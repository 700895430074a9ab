import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'

export const blogSettingsValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(255).use(noNul()),
    tagline: vine.string().trim().maxLength(255).use(noNul()).optional(),
  })
)

blogSettingsValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'name.maxLength': 'Use at most {{ max }} characters',
  'tagline.maxLength': 'Use at most {{ max }} characters',
})
