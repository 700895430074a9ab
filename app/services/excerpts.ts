const EXCERPT_LENGTH = 240

/*
 * The first words of a text, for listings and feeds: whitespace collapsed, cut at a word
 * boundary with an ellipsis.
 */
export function excerptOfText(text: string, length = EXCERPT_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= length) return flat
  const cut = flat.slice(0, length)
  const lastSpace = cut.lastIndexOf(' ')
  return `${(lastSpace > length * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`
}
