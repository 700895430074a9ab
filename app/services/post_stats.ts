import db from '@adonisjs/lucid/services/db'
import Post from '#models/post'

export async function postCounts() {
  const [row] = await Post.query()
    .select(
      db.raw('count(*) filter (where is_published)::int as published'),
      db.raw('count(*) filter (where not is_published)::int as drafts')
    )
    .pojo<{ published: number; drafts: number }>()
  return row
}
