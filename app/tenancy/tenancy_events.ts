import { EventEmitter } from 'node:events'

/*
 * In-process news from the tenancy layer, for caches built on top of it:
 *   - 'content' (tenantId): a tenant's data changed (a write committed here, or another
 *     process announced one through pg_notify('echoblogs_pages'));
 *   - 'tenants': tenants or domains changed anywhere.
 */
export const tenancyEvents = new EventEmitter()
tenancyEvents.setMaxListeners(50)

export const CONTENT_CHANNEL = 'echoblogs_pages'
export const TENANCY_CHANNEL = 'echoblogs_tenancy'
