/*
 * The messages a cluster worker and the primary (bin/cluster.ts) exchange for a scrape:
 * kept apart from #services/metrics so the primary loads none of the app.
 */
export const METRICS_REQUEST = 'echoblogs:metrics'
export const METRICS_REPLY = 'echoblogs:metrics:reply'
