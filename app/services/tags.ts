import { scopedClient } from '#tenancy/tenant_scope'
import type { TagName } from '#services/tag_names'

const SUGGESTIONS = 200

/*
 * Gives a post of the bound blog exactly these tags. A tag's name stays as first written;
 * tags no post uses any more stay behind, harmless: pages and suggestions only show tags
 * that posts carry.
 */
export async function setPostTags(postId: number, tags: TagName[]) {
  const client = scopedClient()
  await client.rawQuery('delete from post_tags where post_id = ?', [postId])
  if (tags.length === 0) return
  const names = tags.map((tag) => tag.name)
  const slugs = tags.map((tag) => tag.slug)
  await client.rawQuery(
    'insert into tags (name, slug) select * from unnest(?::text[], ?::text[]) on conflict (slug) do nothing',
    [names, slugs]
  )
  await client.rawQuery(
    'insert into post_tags (post_id, tag_id) select ?, id from tags where slug = any(?::text[])',
    [postId, slugs]
  )
}

/*
 * A post's tags as the editor shows them: "one, two".
 */
export async function tagListOf(postId: number): Promise<string> {
  const { rows } = await scopedClient().rawQuery(
    'select t.name from post_tags pt join tags t on t.id = pt.tag_id where pt.post_id = ? order by t.slug',
    [postId]
  )
  return rows.map((row: { name: string }) => row.name).join(', ')
}

/*
 * The blog's tags in use, for the editor to offer.
 */
export async function tagSuggestions(): Promise<string[]> {
  const { rows } = await scopedClient().rawQuery(
    `select t.name from tags t where exists (select 1 from post_tags pt where pt.tag_id = t.id)
      order by t.slug limit ${SUGGESTIONS}`
  )
  return rows.map((row: { name: string }) => row.name)
}
