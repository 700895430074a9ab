import Post from '#models/post'

const MAX_SLUG_LENGTH = 200

/*
 * Latin letters and digits in dashes, accents dropped; empty when the text has none.
 */
export function slugOf(text: string, maxLength = MAX_SLUG_LENGTH): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '')
}

export function slugify(text: string): string {
  return slugOf(text) || 'post'
}

/*
 * The first free slug among `base`, `base-2`, `base-3`… in the bound blog, ignoring the
 * post being edited. One query reads every candidate already taken.
 */
export async function uniqueSlug(base: string, exceptPostId?: number): Promise<string> {
  const query = Post.query()
    .select('slug')
    .where((builder) => {
      builder.where('slug', base).orWhere('slug', 'like', `${escapeLike(base)}-%`)
    })
  if (exceptPostId) query.whereNot('id', exceptPostId)
  const taken = new Set((await query).map((post) => post.slug))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!taken.has(candidate)) return candidate
  }
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`)
}
