// Wix's resends in a benchmark: the local Velo host sends a failed or slow event delivery again on
// Wix's schedule (local-wix/velo-host/redelivery.ts), so a phase's quotas are read after its resends.

/**
 * Waits until every resend of a failed or slow event delivery due within `withinMs` (Wix's first resend
 * comes a minute after the failure) has run, so that a phase's quotas include what its resends cost.
 * Returns how many resends ran meanwhile and how many are still waiting (later steps of Wix's schedule).
 */
export async function awaitRedeliveries(host: { pendingRedeliveries: number; idle(): Promise<void>; log: { counts: { redeliveries: number } } }, withinMs = 65_000): Promise<{ ran: number; waiting: number }> {
  const before = host.log.counts.redeliveries;
  const until = Date.now() + withinMs;
  while (host.pendingRedeliveries > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  await host.idle();
  return { ran: host.log.counts.redeliveries - before, waiting: host.pendingRedeliveries };
}

/**
 * After a phase's set-up (its definitions created): their own events are handled, and any resend of a
 * slow one has run, before the phase's quiet minute starts. That cost is the set-up's; a resend landing in
 * the phase would be counted as the phase's. Returns how many resends ran.
 */
export async function afterSetUp(host: Parameters<typeof awaitRedeliveries>[0]): Promise<number> {
  await host.idle();
  return (await awaitRedeliveries(host)).ran;
}
