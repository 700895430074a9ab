import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Full-text search over published posts (/search): a tsvector PostgreSQL keeps up to date
 * itself (titles weigh more than text), and a GIN index on it. The first 100,000
 * characters of a post are indexed: a tsvector holds at most 1 MB, and a reader searching
 * finds a post by what it is about long before that.
 *
 * PostgreSQL's text parser takes quadratic time on some input a writer controls: 100 KB of
 * unclosed HTML comments (`<!-- <!-- …`) took 8.6 s, and 100 KB of `a_a_a_…` over 4 s,
 * on every save of the post. Its input therefore has no `<` (no tag or comment to scan
 * for) and no run of more than 100 characters without a space; then any 100 KB parses in
 * tens of milliseconds.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      alter table posts add column search tsvector generated always as (
        setweight(to_tsvector('english', translate(title, '<', ' ')), 'A') ||
        setweight(to_tsvector('english',
          regexp_replace(translate(left(content, 100000), '<', ' '), '(\\S{100})', '\\1 ', 'g')), 'B')
      ) stored`)
    this.schema.raw('create index posts_search_index on posts using gin (search)')
  }

  async down() {
    this.schema.raw('drop index posts_search_index')
    this.schema.raw('alter table posts drop column search')
  }
}
