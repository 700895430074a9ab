import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'
import { excerptOfText } from '#services/excerpts'

/*
 * Markdown → sanitised HTML and a plain-text excerpt, once, when a post is saved; pages
 * only read the stored result. markdown-it was chosen for time linear in the input on
 * CommonMark's pathological classes (bench/markdown_parsers.js, README "Markdown").
 * This module runs inside the renderer's worker thread (#services/post_renderer), which
 * bounds its time; it bounds nesting itself. Server processes never load it.
 */
export interface RenderedPost {
  html: string
  excerpt: string
  /* Words a reader reads: in the text, not in link targets or markup. */
  words: number
}

export class MarkdownRefused extends Error {}

/*
 * Quotes and lists nest at most `maxNesting` deep. markdown-it drops whatever lies past its
 * own nesting limit, so that limit is set above ours and a post that reaches it is refused
 * instead of silently cut.
 */
export function renderPost(source: string, maxNesting: number): RenderedPost {
  const md = parser(maxNesting)
  const tokens = md.parse(source, {})
  let depth = 0
  for (const token of tokens) {
    if (CONTAINERS.has(token.type)) {
      depth += token.nesting
      if (depth > maxNesting) {
        throw new MarkdownRefused(`Quotes and lists can be nested at most ${maxNesting} levels deep.`)
      }
    }
  }
  const html = sanitizeHtml(md.renderer.render(tokens, md.options, {}), POST_HTML)
  const text = textOf(html)
  return { html, excerpt: excerptOfText(text), words: text.match(WORD)?.length ?? 0 }
}

/*
 * Runs of letters or digits, with inner apostrophes and hyphens: "don't" and "well-known"
 * are one word each.
 */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu

const CONTAINERS = new Set([
  'blockquote_open',
  'blockquote_close',
  'bullet_list_open',
  'bullet_list_close',
  'ordered_list_open',
  'ordered_list_close',
])

const parsers = new Map<number, InstanceType<typeof MarkdownIt>>()
function parser(maxNesting: number) {
  let md = parsers.get(maxNesting)
  if (!md) {
    md = new MarkdownIt({ html: true, linkify: false, typographer: false, maxNesting: 2 * maxNesting + 8 })
    parsers.set(maxNesting, md)
  }
  return md
}

/*
 * Markdown may carry raw HTML, so the rendered output goes through an allow-list: no
 * scripts, styles or event-handler attributes, and links only to http(s) and mail.
 */
const POST_HTML: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins', 's'],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    code: ['class'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }),
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]+$/] },
}

/*
 * The text a reader reads, for excerpts (listings and feeds) and the word count.
 * sanitize-html re-escapes the text it keeps; it is decoded here because templates escape
 * it once more on output.
 */
function textOf(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}
