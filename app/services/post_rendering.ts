import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { RenderedPost } from '#services/markdown'
import { excerptOfText } from '#services/excerpts'
import postRenderer, { RenderRefused } from '#services/post_renderer'

export { RenderRefused }

/*
 * A post's HTML and excerpt, rendered off the event loop within the time budget.
 * Throws RenderRefused with a message for the writer.
 */
export function renderContent(source: string): Promise<RenderedPost> {
  return postRenderer.render(source)
}

/*
 * The columns a post stores of its rendering, for writers that create posts directly
 * (seeders).
 */
export async function renderedColumns(source: string): Promise<{ html: string; excerpt: string }> {
  const { html, excerpt } = await renderContent(source)
  return { html, excerpt }
}

/*
 * What a post shows when its Markdown could not be rendered (or was written to the
 * database by other means and never rendered): its text, escaped, in paragraphs. Linear
 * in the input, so it is safe on any request.
 */
export function plainTextHtml(source: string): string {
  return source
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('\n')
}

export function plainTextExcerpt(source: string): string {
  return excerptOfText(source)
}

export function escapeHtml(text: string) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/*
 * Renders every post of the client's tenant that has no stored HTML yet, a batch at a
 * time (the tenant migration that added the columns, imports, posts written by SQL).
 * A post that cannot be rendered keeps its text as plain paragraphs.
 */
export async function renderStoredPosts(client: QueryClientContract, batchSize = 50) {
  let rendered = 0
  for (let lastId = 0; ; ) {
    const { rows } = await client.rawQuery(
      'select id, content from posts where html is null and id > ? order by id limit ?',
      [lastId, batchSize]
    )
    if (rows.length === 0) return rendered
    for (const row of rows as { id: number; content: string }[]) {
      const { html, excerpt } = await renderContent(row.content).catch((error) => {
        if (!(error instanceof RenderRefused)) throw error
        return { html: plainTextHtml(row.content), excerpt: plainTextExcerpt(row.content) }
      })
      await client.rawQuery('update posts set html = ?, excerpt = ? where id = ?', [html, excerpt, row.id])
      lastId = row.id
      rendered++
    }
  }
}
