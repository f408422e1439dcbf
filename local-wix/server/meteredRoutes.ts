// Which requests to the local Wix are Wix requests that a live site's quotas count, and how much.
// Counted: Wix Data item requests (the SDK, REST and the local CMS page alike; Wix's "About Data
// Quotas" lists get, find, count, distinct, aggregate, isReferenced, queryReferenced and each include
// as reads, and every single or bulk write as one write), and Wix API calls (ticket definitions and
// events). Not counted: the local Wix's own `/_local/*` tooling, data collection management (not in
// Wix's list), and backend requests (web methods, HTTP functions), which the Velo host counts itself
// so that a cached web-method answer can skip the quota.
import type { RequestContext } from './http.js';
import type { QuotaName } from './siteLimits.js';

export interface Metering {
  quota: QuotaName | null;
  /** Requests counted against the quota (a query with includes is 1 + one per include). */
  units: number;
  /** Whether the per-call latency applies (Wix calls from site code or the SDK, not the CMS page). */
  latency: boolean;
  /** Whether Wix Data's per-request time limit applies. */
  dataTimeLimit: boolean;
}

const DATA = '/wix-data/v2/';
const API = /^\/(events-ticket-definitions\/v3\/ticket-definitions|events\/v3\/ticket-definitions|events\/v3\/events)(\/|$)/;
const DATA_READS = /\/items\/(query|count|distinct|aggregate)$/;

/** `include`s of a query request: `referencedItemOptions` on the wire (GET carries it base64url JSON in `.r`). */
function includes(req: RequestContext): number {
  let body: unknown = req.body;
  if (req.method === 'GET') {
    const r = req.url.searchParams.get('.r');
    if (!r) return 0;
    try { body = JSON.parse(Buffer.from(r, 'base64url').toString('utf8')); } catch { return 0; }
  }
  const list = (body as { referencedItemOptions?: unknown } | null)?.referencedItemOptions;
  return Array.isArray(list) ? list.length : 0;
}

/** How a routed request is metered, or null when it is not a Wix request. */
export function meteringOf(req: RequestContext): Metering | null {
  const p = req.url.pathname;
  if (p.startsWith(DATA)) {
    if (p.startsWith('/wix-data/v2/collections')) return { quota: null, units: 0, latency: true, dataTimeLimit: true };
    const read = req.method === 'GET' || DATA_READS.test(p);
    if (read) return { quota: 'dataReads', units: 1 + (p.endsWith('/query') ? includes(req) : 0), latency: true, dataTimeLimit: true };
    return { quota: 'dataWrites', units: 1, latency: true, dataTimeLimit: true };
  }
  if (API.test(p)) return { quota: 'apiCalls', units: 1, latency: true, dataTimeLimit: false };
  // The local CMS page is the site owner's CMS: Wix counts its data requests too.
  if (p.startsWith('/_local/cms')) {
    return { quota: req.method === 'GET' ? 'dataReads' : 'dataWrites', units: 1, latency: false, dataTimeLimit: false };
  }
  return null;
}
