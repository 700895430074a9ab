/*
 * What an entry costs beyond its own bytes: the Map slot, the entry object, bookkeeping.
 */
export const ENTRY_OVERHEAD_BYTES = 160

interface Entry<V> {
  value: V
  bytes: number
  group: number | null
  used: boolean
}

/*
 * A map bounded by the bytes its entries report, not by their count, that evicts what was
 * not used recently (second chance: a read only marks its entry; eviction passes over a
 * marked entry once, moving it to the back, so reads cost no reordering on the hot path).
 * Entries may belong to a group (a tenant): a group can be limited to part of the whole,
 * and dropped at once.
 */
export class ByteLru<V> {
  #entries = new Map<string, Entry<V>>()
  #groups = new Map<number, { keys: Set<string>; bytes: number }>()
  #bytes = 0

  constructor(
    readonly maxBytes: number,
    private groupMaxBytes = maxBytes
  ) {}

  get bytes() {
    return this.#bytes
  }

  get size() {
    return this.#entries.size
  }

  groupBytes(group: number) {
    return this.#groups.get(group)?.bytes ?? 0
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    entry.used = true
    return entry.value
  }

  peek(key: string): V | undefined {
    return this.#entries.get(key)?.value
  }

  /*
   * Stores the entry unless it alone exceeds what its group (or the whole cache) may hold,
   * evicting the least recently used entries of its group first, then of the cache.
   */
  set(key: string, value: V, bytes: number, group: number | null = null): boolean {
    this.delete(key)
    const total = bytes + key.length + ENTRY_OVERHEAD_BYTES
    if (total > this.maxBytes || (group !== null && total > this.groupMaxBytes)) return false
    if (group !== null) {
      const members = this.#groups.get(group)
      while (members && members.bytes + total > this.groupMaxBytes) this.#evictFrom(members.keys)
    }
    while (this.#bytes + total > this.maxBytes) this.#evictFrom(this.#entries)

    this.#entries.set(key, { value, bytes: total, group, used: false })
    this.#bytes += total
    if (group !== null) {
      let members = this.#groups.get(group)
      if (!members) this.#groups.set(group, (members = { keys: new Set(), bytes: 0 }))
      members.keys.add(key)
      members.bytes += total
    }
    return true
  }

  delete(key: string) {
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    this.#bytes -= entry.bytes
    if (entry.group === null) return
    const members = this.#groups.get(entry.group)!
    members.keys.delete(key)
    members.bytes -= entry.bytes
    if (members.keys.size === 0) this.#groups.delete(entry.group)
  }

  /*
   * Evicts the oldest unmarked entry in `order` (all entries, or one group's keys); a
   * marked one loses its mark and goes to the back of that order.
   */
  #evictFrom(order: Map<string, unknown> | Set<string>) {
    for (;;) {
      const key = order.keys().next().value!
      const entry = this.#entries.get(key)!
      if (!entry.used) return this.delete(key)
      entry.used = false
      if (order instanceof Set) {
        order.delete(key)
        order.add(key)
      } else {
        this.#entries.delete(key)
        this.#entries.set(key, entry)
      }
    }
  }

  deleteGroup(group: number) {
    for (const key of [...(this.#groups.get(group)?.keys ?? [])]) this.delete(key)
  }

  clear() {
    this.#entries.clear()
    this.#groups.clear()
    this.#bytes = 0
  }
}
