import env from '#start/env'
import { LIMITS, PLAN_NAMES, planEnvKey, type Feature, type Limit, type PlanName } from '#services/plan_catalog'

export interface PlanDefinition {
  label: string
  limits: Record<Limit, number>
  features: Feature[]
}

/*
 * What each plan allows. A figure can be changed for the whole installation with
 * PLAN_<PLAN>_<LIMIT> (PLAN_TRIAL_POSTS=200, PLAN_PRO_REQUESTS_PER_MINUTE=60000), and for
 * one blog with `node ace tenants:plan <blog> --limit posts=20000`; features with
 * `node ace tenants:features <blog> --enable customDomains`. A blog on its free trial is
 * on the trial plan; `tenants:billing --trial off` moves it to basic. `imageMb` is the
 * largest image a blog may upload; config/bodyparser.ts caps every upload whatever the plan.
 */
const defaults: Record<PlanName, PlanDefinition> = {
  trial: {
    label: 'Free trial',
    limits: { posts: 100, postChars: 100_000, storageMb: 50, imageMb: 2, customDomains: 0, requestsPerMinute: 3_000 },
    features: ['feed', 'sitemap', 'search'],
  },
  basic: {
    label: 'Basic',
    limits: { posts: 5_000, postChars: 200_000, storageMb: 1_024, imageMb: 10, customDomains: 1, requestsPerMinute: 6_000 },
    features: ['feed', 'sitemap', 'customDomains', 'search'],
  },
  pro: {
    label: 'Pro',
    limits: { posts: 50_000, postChars: 500_000, storageMb: 10_240, imageMb: 20, customDomains: 10, requestsPerMinute: 30_000 },
    features: ['feed', 'sitemap', 'customDomains', 'search'],
  },
}

const plans = Object.fromEntries(
  PLAN_NAMES.map((name) => {
    const plan = defaults[name]
    const limits = Object.fromEntries(
      LIMITS.map((limit) => [limit, (env.get(planEnvKey(name, limit)) as number | undefined) ?? plan.limits[limit]])
    ) as Record<Limit, number>
    return [name, { ...plan, limits }]
  })
) as Record<PlanName, PlanDefinition>

export default plans
