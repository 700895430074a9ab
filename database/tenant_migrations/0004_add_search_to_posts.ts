import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Full-text search over published posts (/search): a tsvector PostgreSQL keeps up to date
 * itself (titles weigh more than text), and a GIN index on it. The first 100,000
 * characters of a post are indexed: a tsvector holds at most 1 MB, and a reader searching
 * finds a post by what it is about long before that.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      alter table posts add column search tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', left(content, 100000)), 'B')
      ) stored`)
    this.schema.raw('create index posts_search_index on posts using gin (search)')
  }

  async down() {
    this.schema.raw('drop index posts_search_index')
    this.schema.raw('alter table posts drop column search')
  }
}
