/*
 * The names plans, limits and features go by: in the database (tenants.plan and its
 * overrides), on the command line and in PLAN_<PLAN>_<LIMIT> settings. Kept apart from
 * config/plans.ts so that start/env.ts can validate those settings before config loads.
 */
export const PLAN_NAMES = ['trial', 'basic', 'pro'] as const
export type PlanName = (typeof PLAN_NAMES)[number]

export const LIMITS = ['posts', 'postChars', 'storageMb', 'imageMb', 'customDomains', 'requestsPerMinute'] as const
export type Limit = (typeof LIMITS)[number]

/*
 * Only what exists can be switched: a feature is listed here when the code that serves it
 * checks it.
 */
export const FEATURES = ['feed', 'sitemap', 'customDomains', 'search'] as const
export type Feature = (typeof FEATURES)[number]

export const LIMIT_LABELS: Record<Limit, string> = {
  posts: 'posts',
  postChars: 'characters per post',
  storageMb: 'MB of storage',
  imageMb: 'MB per image',
  customDomains: 'custom domains',
  requestsPerMinute: 'uncached page views a minute',
}

/* Each feature as the subject of a sentence, verb included. */
export const FEATURE_SUBJECTS: Record<Feature, string> = {
  feed: 'The Atom feed is',
  sitemap: 'Sitemaps for search engines are',
  customDomains: 'Custom domains are',
  search: 'Search is',
}

export function isPlanName(value: string): value is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(value)
}

export function isLimit(value: string): value is Limit {
  return (LIMITS as readonly string[]).includes(value)
}

export function isFeature(value: string): value is Feature {
  return (FEATURES as readonly string[]).includes(value)
}

export function planEnvKey(plan: PlanName, limit: Limit) {
  return `PLAN_${plan.toUpperCase()}_${limit.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`
}
