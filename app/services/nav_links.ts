import { localPath } from '#services/urls'
import type { NavLink } from '#tenancy/types'

export const NAV_LINKS_MAX = 8
export const NAV_LABEL_MAX = 40
export const NAV_URL_MAX = 500

/*
 * The links of a blog's header, edited as text: one `Label | URL` per line, blank lines
 * ignored. A URL is an absolute http(s) address or a path on the blog (`/about`); any other
 * scheme (javascript:, data:, mailto:...) and anything a browser would read as another
 * host (`//evil.example`) is refused. Each problem is named with its line.
 */
export function parseNavLinks(text: string): { links: NavLink[]; errors: string[] } {
  const links: NavLink[] = []
  const errors: string[] = []
  const lines = text.split(/\r\n|\r|\n/)
  lines.forEach((raw, index) => {
    const line = raw.trim()
    if (!line) return
    const at = `Line ${index + 1}`
    const bar = line.lastIndexOf('|')
    if (bar === -1) {
      errors.push(`${at}: write a label, then | and the address, such as "About | /posts/about"`)
      return
    }
    const found = errors.length
    const label = line.slice(0, bar).trim()
    const address = line.slice(bar + 1).trim()
    if (!label) errors.push(`${at}: the link has no label before the |`)
    else if (label.length > NAV_LABEL_MAX) errors.push(`${at}: use at most ${NAV_LABEL_MAX} characters for the label`)
    else if (/[\u0000-\u001f\u007f]/.test(label)) errors.push(`${at}: the label contains a character that is not allowed`)
    // Measured as stored: the address is kept percent-encoded, as a browser would send it.
    const url = address.length > NAV_URL_MAX ? null : linkTarget(address)
    if (!address) errors.push(`${at}: the link has no address after the |`)
    else if (address.length > NAV_URL_MAX || (url && url.length > NAV_URL_MAX)) {
      errors.push(`${at}: use an address of at most ${NAV_URL_MAX} characters`)
    } else if (!url) errors.push(`${at}: use an address starting with http://, https:// or / (a page of this blog)`)
    if (url && errors.length === found) links.push({ label, url })
  })
  const count = lines.filter((line) => line.trim()).length
  if (count > NAV_LINKS_MAX) errors.unshift(`Give at most ${NAV_LINKS_MAX} links (there are ${count})`)
  return { links, errors }
}

function linkTarget(address: string): string | null {
  if (address.startsWith('/')) return localPath(address)
  if (!/^https?:\/\//i.test(address) || /[\u0000-\u0020\u007f\\]/.test(address)) return null
  try {
    const url = new URL(address)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url.href : null
  } catch {
    return null
  }
}

export function formatNavLinks(links: ReadonlyArray<NavLink>): string {
  return links.map((link) => `${link.label} | ${link.url}`).join('\n')
}
