// Counter flow: order events → coalesced salesDetails reads → TicketCounters snapshots.
// The data hook on TicketCounters (backend/velo/data.ts) pushes each written snapshot to visitors.
// This file is the index the Velo entry points, the wiring and the tests import; the work is in:
// counterDeps.ts (what the flows need), counterOrders.ts (order events, the read schedule and claims),
// counterRefresh.ts (refreshing counters), counterLookup.ts (stored snapshots, getCounters lookups and
// the unknown-ID memory), counterPageViews.ts (page views within a cache window) and counterRepair.ts (the hourly repair job).

export { counterMemory, type CounterDeps, type CounterMemory } from './counterDeps.js';
export { acceptOrderDelivery, handleOrderEvent, type OrderEventResult } from './counterOrders.js';
export { refreshCounters, refreshLiveCounters, type LiveRefresh } from './counterRefresh.js';
export { countersForMany, MAX_DEFINITIONS_PER_PAGE, MISSING_BUDGET, MISSING_TTL_MS } from './counterLookup.js';
export { countersFor, countersForPage } from './counterPageViews.js';
export { repairCounters, type RepairResult } from './counterRepair.js';
// Slot width, slow slot and read budget are core rules (core/counter/readBudget.ts); re-exported for the wiring.
export { DEFAULT_READ_BUDGET, DEFAULT_SLOT_MS, DEFAULT_SLOW_SLOT_MS } from '../core/counter/readBudget.js';
