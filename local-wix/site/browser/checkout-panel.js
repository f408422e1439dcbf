// LOCAL ONLY — not part of the Wix site. A control panel that plays the Wix checkout: it lists the
// ticket definitions through the local Wix's V3 query endpoint and confirms orders with
// POST /_local/checkout/orders, showing the refusal reason when the checkout refuses.
const ADMIN = { authorization: 'LocalWix ADMIN checkout-panel', 'content-type': 'application/json' };

function priceText(p) {
  return p ? `${p.value} ${p.currency}` : '';
}

function optionsOf(def) {
  const pm = def.pricingMethod || {};
  if (pm.pricingOptions && Array.isArray(pm.pricingOptions.optionDetails)) {
    return pm.pricingOptions.optionDetails.map((o) => ({ value: `${def.id}|${o.optionId}`, label: `${def.name} — ${o.name} (${priceText(o.price)})` }));
  }
  const price = pm.fixedPrice || pm.guestPrice;
  return [{ value: `${def.id}|`, label: `${def.name}${price ? ` (${priceText(price)})` : ''}` }];
}

async function loadDefinitions(eventId) {
  const query = { cursorPaging: { limit: 100 } };
  if (eventId) query.filter = { eventId };
  const res = await fetch('/events-ticket-definitions/v3/ticket-definitions/query', { method: 'POST', headers: ADMIN, body: JSON.stringify({ query }) });
  if (!res.ok) throw new Error(`query failed: HTTP ${res.status}`);
  return (await res.json()).ticketDefinitions || [];
}

async function init(panel) {
  const select = panel.querySelector('[name=ticket]');
  const qty = panel.querySelector('[name=quantity]');
  const out = panel.querySelector('output');
  const form = panel.querySelector('form');
  let defs = [];
  try {
    defs = await loadDefinitions(panel.dataset.eventId);
    for (const d of defs) for (const o of optionsOf(d)) select.add(new Option(o.label, o.value));
    if (!defs.length) out.textContent = 'No ticket definitions found.';
  } catch (err) {
    out.textContent = `Could not list ticket definitions: ${err.message}`;
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const [ticketDefinitionId, optionId] = select.value.split('|');
    const def = defs.find((d) => d.id === ticketDefinitionId);
    const ticket = { ticketDefinitionId, quantity: Number(qty.value) };
    if (optionId) ticket.optionId = optionId;
    out.textContent = 'Confirming…';
    out.dataset.state = 'pending';
    try {
      const res = await fetch('/_local/checkout/orders', {
        method: 'POST', headers: ADMIN,
        body: JSON.stringify({ eventId: (def && def.eventId) || panel.dataset.eventId, tickets: [ticket] }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        const order = body.order || body;
        out.textContent = `Order ${order.orderNumber || ''} confirmed: ${ticket.quantity} ticket(s).`;
        out.dataset.state = 'confirmed';
      } else {
        out.textContent = `Refused: ${body.message || `HTTP ${res.status}`}`;
        out.dataset.state = 'refused';
      }
    } catch (err) {
      out.textContent = `Checkout failed: ${err.message}`;
      out.dataset.state = 'refused';
    }
  });
}

for (const panel of document.querySelectorAll('[data-local-checkout]')) init(panel);
