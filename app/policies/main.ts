/*
 * Policies registered by name, so Edge templates and middleware can refer to them.
 */
export const policies = {
  BlogPolicy: () => import('#policies/blog_policy'),
}
