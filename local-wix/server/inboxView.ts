// The local inbox as a page: every sent (or skipped) triggered email with its rendered body.
// Every value is escaped; template bodies come from the local template files with escaped variables.
import type { InboxEntry } from './crm.js';
import type { EmailTemplates } from './emailTemplates.js';
import { escapeHtml as e } from './html.js';

export function renderInbox(entries: InboxEntry[], templates: EmailTemplates): string {
  const rows = entries.slice().reverse().map((m) => {
    const body = templates.render(m.templateId, m.variables);
    const vars = Object.entries(m.variables).map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('');
    return `<article class="mail ${m.status === 'SKIPPED' ? 'skipped' : ''}" data-id="${e(m.id)}" data-status="${e(m.status)}">
  <header><strong>${e(m.to ?? '(no address)')}</strong> · template <code>${e(m.templateId)}</code> · ${e(m.sentAt)}
  ${m.status === 'SKIPPED' ? `<span class="reason">not sent: ${e(m.reason)}</span>` : ''}</header>
  <dl>${vars}</dl>
  ${body === null ? '<p class="missing">(no local template file)</p>' : `<div class="body">${body}</div>`}
</article>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Local inbox (${entries.length})</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}article{border:1px solid #ccc;border-radius:6px;padding:.75rem;margin:.75rem 0}
.skipped{opacity:.6;border-style:dashed}.reason{color:#a00;margin-left:.5rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;font-size:12px;color:#555}
dd{margin:0}.body{border-top:1px solid #eee;margin-top:.5rem;padding-top:.5rem}</style></head>
<body><h1>Local inbox</h1><p>Triggered emails the local Wix "sent" (not part of the Wix site). ${entries.length} message(s).</p>
${rows.join('\n') || '<p>No emails yet.</p>'}
</body></html>`;
}
