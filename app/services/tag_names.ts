import { slugOf } from '#services/slugs'

export const MAX_TAGS_PER_POST = 10
export const MAX_TAG_LENGTH = 50

export interface TagName {
  name: string
  slug: string
}

/*
 * The tags typed in the editor, comma-separated, as names (spaces collapsed) with their
 * slugs; a tag repeated under another spelling counts once, as first written.
 */
export function splitTags(text: string): TagName[] {
  const seen = new Map<string, TagName>()
  for (const part of text.split(',')) {
    const name = part.trim().replace(/\s+/g, ' ')
    const slug = slugOf(name, 60)
    if (slug && !seen.has(slug)) seen.set(slug, { name, slug })
  }
  return [...seen.values()]
}
