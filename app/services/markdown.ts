import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'

const marked = new Marked({ gfm: true, async: false })

/*
 * Markdown may carry raw HTML, so the rendered output goes through an allow-list: no
 * scripts, styles or event-handler attributes, and links only to http(s) and mail.
 */
const POST_HTML: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins'],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    code: ['class'],
    ol: ['start'],
    td: ['align'],
    th: ['align'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }),
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]+$/] },
}

export function renderMarkdown(source: string): string {
  return sanitizeHtml(marked.parse(source) as string, POST_HTML)
}

/*
 * Plain text for listings and feeds. sanitize-html re-escapes text it keeps; the result is
 * decoded here because templates escape it once more on output.
 */
export function excerpt(source: string, length = 240): string {
  const text = sanitizeHtml(marked.parse(source) as string, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
  if (text.length <= length) return text
  const cut = text.slice(0, length)
  const lastSpace = cut.lastIndexOf(' ')
  return `${(lastSpace > length * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`
}
