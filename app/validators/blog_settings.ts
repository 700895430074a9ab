import vine, { SimpleMessagesProvider } from '@vinejs/vine'

export const blogSettingsValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(255),
    tagline: vine.string().trim().maxLength(255).optional(),
  })
)

blogSettingsValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'name.maxLength': 'Use at most {{ max }} characters',
  'tagline.maxLength': 'Use at most {{ max }} characters',
})
