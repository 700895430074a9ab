import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { noNul } from '#validators/text'
import { NAV_LABEL_MAX, NAV_LINKS_MAX, NAV_URL_MAX, formatNavLinks, parseNavLinks } from '#services/nav_links'
import { THEME_NAMES, isThemeName } from '#services/themes'

export const DESCRIPTION_MAX = 500
export const POSTS_PER_PAGE_MAX = 50

/* Room for every link at its longest, so the text is bounded before it is parsed. */
const NAV_TEXT_MAX = NAV_LINKS_MAX * (NAV_LABEL_MAX + NAV_URL_MAX + 8)

const navLinks = vine.createRule((value, _, field) => {
  if (typeof value !== 'string') return
  for (const message of parseNavLinks(value).errors) field.report(message, 'navLinks', field)
})

/*
 * The settings form. A client that leaves out posts per page or the theme keeps the blog's
 * current value (a browser always sends both); an empty description, tagline or list of
 * links clears it.
 */
export const blogSettingsValidator = vine.compile(
  vine.object({
    name: vine.string().trim().minLength(1).maxLength(255).use(noNul()),
    tagline: vine.string().trim().maxLength(255).use(noNul()).optional(),
    description: vine.string().trim().maxLength(DESCRIPTION_MAX).use(noNul()).optional(),
    posts_per_page: vine.number().withoutDecimals().range([1, POSTS_PER_PAGE_MAX]).optional(),
    theme: vine.enum(THEME_NAMES).optional(),
    nav_links: vine
      .string()
      .maxLength(NAV_TEXT_MAX)
      .use(noNul())
      .use(navLinks())
      .transform((value) => parseNavLinks(value).links)
      .optional(),
  })
)

const wholeNumber = `Give a whole number from 1 to ${POSTS_PER_PAGE_MAX}`

blogSettingsValidator.messagesProvider = new SimpleMessagesProvider({
  'required': 'This field is required',
  'name.maxLength': 'Use at most {{ max }} characters',
  'tagline.maxLength': 'Use at most {{ max }} characters',
  'description.maxLength': 'Use at most {{ max }} characters',
  'posts_per_page.number': wholeNumber,
  'posts_per_page.withoutDecimals': wholeNumber,
  'posts_per_page.range': wholeNumber,
  'theme.enum': 'Choose one of the themes listed',
  'nav_links.maxLength': `Give at most ${NAV_LINKS_MAX} links, one per line`,
})

export interface StoredBlogSettings {
  description: string | null
  postsPerPage: number | null
  theme: string
  navLinks: { label: string; url: string }[]
}

/*
 * What is wrong with settings read from elsewhere (a tenant export), by the rules of the
 * form, or null when they could have been saved through it.
 */
export function storedSettingsProblem(value: unknown): string | null {
  const settings = value as StoredBlogSettings
  if (!settings || typeof settings !== 'object') return 'is not an object'
  const { description, postsPerPage, theme, navLinks: links } = settings
  if (description !== null && (typeof description !== 'string' || description.length > DESCRIPTION_MAX || description.includes('\u0000'))) {
    return `has a description that is not text of at most ${DESCRIPTION_MAX} characters`
  }
  if (postsPerPage !== null && !(Number.isInteger(postsPerPage) && postsPerPage >= 1 && postsPerPage <= POSTS_PER_PAGE_MAX)) {
    return `has posts per page that is not a whole number from 1 to ${POSTS_PER_PAGE_MAX}`
  }
  if (!isThemeName(theme)) return `names an unknown theme ${JSON.stringify(theme)}`
  if (!Array.isArray(links) || !links.every((link) => typeof link?.label === 'string' && typeof link?.url === 'string')) {
    return 'has malformed navigation links'
  }
  // Written out as the form shows them and read back, they must come back the same.
  const reread = parseNavLinks(formatNavLinks(links))
  if (reread.errors.length || JSON.stringify(reread.links) !== JSON.stringify(links.map(({ label, url }) => ({ label, url })))) {
    return `has navigation links the settings page would refuse: ${reread.errors.join('; ') || 'not in their saved form'}`
  }
  return null
}
