import { EventEmitter } from 'node:events'

/*
 * In-process news from the tenancy layer, for caches built on top of it:
 *   - 'content' (tenantId): a tenant's data changed (a write committed here, or another
 *     process announced one through pg_notify('echoblogs_pages'));
 *   - 'tenant' (tenantId): a tenant's row or one of its domains changed anywhere;
 *   - 'tenants': anything may have changed (a TRUNCATE, or notifications may have been
 *     missed while the listener was reconnecting).
 */
export const tenancyEvents = new EventEmitter()
tenancyEvents.setMaxListeners(50)

export const CONTENT_CHANNEL = 'echoblogs_pages'
export const TENANCY_CHANNEL = 'echoblogs_tenancy'
