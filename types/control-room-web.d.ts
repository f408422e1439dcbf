// What page code sees of the web modules the control room's binding imports (Wix generates these
// proxies from src/backend/*.web.js; the types follow backend/velo/*.web.ts).
declare module 'backend/dashboard.web' {
  export function controlRoomSync(input: unknown): Promise<import('../backend/flows/controlRoomSync.js').SyncSection>;
  export function controlRoomAlerts(input: unknown): Promise<import('../backend/flows/controlRoomAlerts.js').AlertsSection>;
  export function controlRoomCounters(input: unknown): Promise<import('../backend/flows/controlRoomCounters.js').CountersSection>;
  export function retrySyncDeadLetters(input: unknown): Promise<import('../backend/flows/controlRoomRetry.js').RetryResult>;
  export function syncDryRun(input: unknown): Promise<{ eventId: string; targets: { targetId: string; counts: Record<string, number>; rows: import('../backend/core/controlRoom/planRows.js').PlanRow[] }[]; problems: string[] }>;
  export function runSaleAlertSweepNow(): Promise<{ outcome: 'idle' | 'progress' | 'finished'; sent: number; failed: number; skipped: number; retried: number; callAgain: boolean }>;
  export function sendTestSaleAlert(input: unknown): Promise<import('../backend/flows/controlRoomAlerts.js').TestAlertResult>;
  export function refreshAllCountersNow(): Promise<{ refreshed: number; failed: number; complete: boolean; callAgain: boolean }>;
}

declare module 'backend/sync.web' {
  export function syncEventNow(input: { eventId: string; targetId?: string; dryRun?: boolean; restart?: boolean }): Promise<{
    problems: string[];
    targets: { targetId: string; done: boolean; resumed: boolean; counts: Record<string, number>; warnings: string[]; failures: string[] }[];
    callAgain: boolean;
  }>;
  export function addSyncMappingPreset(input: { targetId: string; preset?: string }): Promise<{ preset: string; inserted: string[]; skipped: string[] }>;
}

declare module 'backend/setup.web' {
  export function setupCollectionsNow(): Promise<{ created: string[]; existing: string[] }>;
}
