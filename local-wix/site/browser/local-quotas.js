// Local-only panel of the control room's local page: the local Wix's quota counts from /_local/stats
// (limits.quotas, when the local Wix enforces quotas), as text. Not part of the Wix site.
const out = document.getElementById('localQuotas');
async function show() {
  try {
    const stats = await (await fetch('/_local/stats')).json();
    const quotas = stats && stats.limits && stats.limits.quotas;
    if (!quotas) { out.textContent = 'This local Wix reports no quota counts (/_local/stats has no limits.quotas).'; return; }
    out.textContent = Object.entries(quotas).map(([name, q]) =>
      `${name.padEnd(16)} limit ${q.limit ?? 'none'}${q.perMinute ? '/min' : ''}  peak/min ${q.peakPerMinute ?? '?'}  total ${q.total ?? '?'}  refused ${q.refused ?? 0}`).join('\n');
  } catch (e) {
    out.textContent = `Could not read /_local/stats: ${e.message}`;
  }
}
if (out) { show(); setInterval(show, 10000); }
