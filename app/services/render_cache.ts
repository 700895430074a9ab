/*
 * Bounded memo for rendering that depends only on a post's stored content: Markdown to
 * HTML and excerpts. Keys name the tenant, the post and its last update, so an edit is a
 * new key and entries of different blogs never meet. Oldest entries go first.
 */
export class RenderCache<T> {
  #entries = new Map<string, T>()

  constructor(private maxEntries: number) {}

  get(key: string, compute: () => T): T {
    const hit = this.#entries.get(key)
    if (hit !== undefined) return hit
    const value = compute()
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(key, value)
    return value
  }
}

type Instant = { toMillis(): number }

export function postRenderKey(
  schemaName: string,
  post: { id: number; updatedAt: Instant | null; createdAt?: Instant }
) {
  return `${schemaName}:${post.id}:${(post.updatedAt ?? post.createdAt)?.toMillis()}`
}
