import env from '#start/env'

/*
 * What a blog may cost the platform. Every page a visitor can ask for is bounded (pages of
 * posts, feeds, child sitemaps), and every plan has limits.
 */
const blogConfig = {
  postsPerPage: env.get('BLOG_POSTS_PER_PAGE', 10),
  dashboardPostsPerPage: 25,
  feedEntries: 20,
  /*
   * Entries carry their full HTML until the feed reaches this size; later entries carry
   * their excerpt only.
   */
  feedMaxBytes: 512 * 1024,
  sitemapUrlsPerFile: 1_000,

  /*
   * Posts are rendered once, when saved, in a worker thread: a render that takes longer
   * than the budget is refused (the post is not saved); quotes and lists nest at most
   * maxNesting deep; at most queueLimit posts wait for the renderer at once per process.
   */
  markdown: {
    budgetMs: env.get('MARKDOWN_RENDER_BUDGET_MS', 1_000),
    maxNesting: env.get('MARKDOWN_MAX_NESTING', 16),
    queueLimit: 16,
    idleMs: 60_000,
  },
}

export default blogConfig
export type BlogConfig = typeof blogConfig
