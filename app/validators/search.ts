import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'

export const SEARCH_MAX_CHARS = 200

export const searchValidator = vine.compile(
  vine.object({
    q: vine.string().trim().maxLength(SEARCH_MAX_CHARS).use(noNul()).optional(),
  })
)

searchValidator.messagesProvider = new SimpleMessagesProvider({
  'q.string': 'Search for words, once',
  'q.maxLength': 'Search for at most {{ max }} characters',
})
