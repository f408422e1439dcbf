// LOCAL ONLY: a simulated Wix Events checkout. Confirms orders for tickets of one event in one
// SQLite transaction (a limited definition is never oversold), cancels them (tickets go back),
// and emits the Velo order events the site code handles.
//   POST /_local/checkout/orders                      {eventId, tickets:[{ticketDefinitionId, optionId?, quantity}], contactId?, memberId?, status?, firstName?, lastName?, email?}
//   POST /_local/checkout/orders/:orderNumber/cancel
//   GET  /_local/checkout/orders/:orderNumber
//   GET  /_local/checkout/orders?eventId=…
import { randomUUID } from 'node:crypto';
import type { LocalWixModule, ServerContext } from './app.js';
import { WixHttpError, type Json, type RequestContext } from './http.js';
import { requireGuid } from './guid.js';
import { MAX_PER_CHECKOUT, saleStatusAt, ticketPrice, unsoldCount, type StoredDefinition } from './ticketDefinitionModel.js';
import { ticketDefinitionsOf, type TicketDefinitionsApi } from './ticketDefinitions.js';
import type { TicketDefinitionStore } from './ticketDefinitionStore.js';
import type Database from 'better-sqlite3';
import { amount, isZero, sum } from './checkoutMoney.js';
import { OrderStore, orderEventPayload, ticketNumber, type Order, type OrderTicket } from './checkoutOrders.js';

export const ORDER_CONFIRMED_EVENT = 'wixEvents_onOrderConfirmed';
export const ORDER_UPDATED_EVENT = 'wixEvents_onOrderUpdated';

interface Line { ticketDefinitionId: string; optionId: string | null; quantity: number }

const bad = (field: string, description: string) => WixHttpError.validation(field, description);
const refuse = (status: number, code: string, description: string, data: Json = {}) => WixHttpError.application(status, code, description, data);

function parseRequest(body: Json) {
  if (typeof body.eventId !== 'string' || !body.eventId) throw bad('eventId', 'eventId is required');
  requireGuid('eventId', body.eventId);
  if (!Array.isArray(body.tickets) || body.tickets.length === 0) throw bad('tickets', 'tickets must list at least one {ticketDefinitionId, quantity}');
  const lines: Line[] = body.tickets.map((t: unknown, i: number) => {
    const x = (t ?? {}) as Json;
    if (typeof x.ticketDefinitionId !== 'string' || !x.ticketDefinitionId) throw bad(`tickets[${i}].ticketDefinitionId`, 'ticketDefinitionId is required');
    requireGuid(`tickets[${i}].ticketDefinitionId`, x.ticketDefinitionId);
    if (x.optionId) requireGuid(`tickets[${i}].optionId`, x.optionId);
    if (x.optionId !== undefined && x.optionId !== null && typeof x.optionId !== 'string') throw bad(`tickets[${i}].optionId`, 'optionId must be a string');
    const quantity = x.quantity ?? 1;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) throw bad(`tickets[${i}].quantity`, 'quantity must be a positive integer');
    return { ticketDefinitionId: x.ticketDefinitionId, optionId: (x.optionId as string | undefined) || null, quantity };
  });
  if (body.status !== undefined && body.status !== 'PAID' && body.status !== 'FREE') throw bad('status', 'status must be PAID or FREE');
  for (const k of ['contactId', 'memberId', 'firstName', 'lastName', 'email'] as const) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') throw bad(k, `${k} must be a string`);
  }
  return { eventId: body.eventId, lines, status: body.status as 'PAID' | 'FREE' | undefined };
}

/** Every reason Wix's checkout would not sell these tickets, checked against the current counts. */
function checkLine(d: StoredDefinition | null, line: Line, eventId: string, now: Date) {
  const id = line.ticketDefinitionId;
  if (!d) throw refuse(404, 'TICKET_DEFINITION_NOT_FOUND', `Ticket definition ${id} does not exist`, { ticketDefinitionId: id });
  const label = `"${d.fields.name}" (${id})`;
  if (d.eventId !== eventId) throw refuse(400, 'WRONG_EVENT', `${label} belongs to event ${d.eventId}, not ${eventId}`, { ticketDefinitionId: id });
  if (d.fields.hidden) throw refuse(409, 'TICKET_HIDDEN', `${label} is hidden and can't be purchased`, { ticketDefinitionId: id });
  const status = saleStatusAt(d.fields.salePeriod, now);
  if (status === 'SALE_SCHEDULED') throw refuse(409, 'SALE_NOT_STARTED', `Sale of ${label} starts at ${d.fields.salePeriod?.startDate}`, { ticketDefinitionId: id, saleStatus: status });
  if (status === 'SALE_ENDED') throw refuse(409, 'SALE_ENDED', `Sale of ${label} ended at ${d.fields.salePeriod?.endDate}`, { ticketDefinitionId: id, saleStatus: status });
  const price = ticketPrice(d.fields, line.optionId);
  if (!price) {
    if (d.fields.pricingMethod.pricingOptions && !line.optionId) throw refuse(400, 'PRICE_OPTION_REQUIRED', `${label} has price options; choose one with optionId`, { ticketDefinitionId: id });
    throw refuse(400, 'UNKNOWN_PRICE_OPTION', `${label} has no price option ${line.optionId}`, { ticketDefinitionId: id, optionId: line.optionId });
  }
  const option = d.fields.pricingMethod.pricingOptions?.optionDetails.find((o) => o.optionId === line.optionId);
  return { price, name: option ? `${d.fields.name} — ${option.name}` : d.fields.name };
}

function checkQuantity(d: StoredDefinition, requested: number) {
  const label = `"${d.fields.name}" (${d.id})`;
  if (requested > MAX_PER_CHECKOUT) throw refuse(400, 'CHECKOUT_LIMIT_EXCEEDED', `At most ${MAX_PER_CHECKOUT} tickets of ${label} per checkout; ${requested} requested`, { ticketDefinitionId: d.id });
  const unsold = unsoldCount(d);
  if (unsold === null || requested <= unsold) return;
  const data = { ticketDefinitionId: d.id, requested, unsoldCount: unsold };
  if (unsold === 0) throw refuse(409, 'SOLD_OUT', `${label} is sold out`, data);
  throw refuse(409, 'NOT_ENOUGH_TICKETS', `Only ${unsold} ticket${unsold === 1 ? '' : 's'} of ${label} left; ${requested} requested`, data);
}

type CheckedLine = { line: Line } & ReturnType<typeof checkLine>;
type Buyer = { firstName: string; lastName: string; email: string };

/** Checks every line and each definition's total against the current counts; one currency per order. */
function checkOrder(store: TicketDefinitionsApi['store'], req: ReturnType<typeof parseRequest>, now: Date) {
  // Each definition read once per checkout (inside the transaction: the counts cannot move meanwhile).
  const read = new Map<string, StoredDefinition | null>();
  const definition = (id: string): StoredDefinition | null => {
    if (!read.has(id)) read.set(id, store.get(id));
    return read.get(id) ?? null;
  };
  const checked: CheckedLine[] = req.lines.map((line) => ({ line, ...checkLine(definition(line.ticketDefinitionId), line, req.eventId, now) }));
  const perDefinition = new Map<string, number>();
  for (const c of checked) perDefinition.set(c.line.ticketDefinitionId, (perDefinition.get(c.line.ticketDefinitionId) ?? 0) + c.line.quantity);
  for (const [id, n] of perDefinition) checkQuantity(definition(id)!, n);
  const currencies = new Set(checked.map((c) => c.price.currency));
  if (currencies.size > 1) throw refuse(400, 'MIXED_CURRENCIES', `One order can't mix currencies (${[...currencies].join(', ')})`);
  return { checked, perDefinition, currency: checked[0]!.price.currency };
}

/** The buyer of an order: the request's contact (a GUID) or a new one, and names with local defaults. */
function buyerOf(body: Json) {
  const contactId = typeof body.contactId === 'string' ? requireGuid('contactId', body.contactId) : randomUUID();
  const memberId = typeof body.memberId === 'string' ? requireGuid('memberId', body.memberId) : null;
  const buyer: Buyer = {
    firstName: typeof body.firstName === 'string' ? body.firstName : 'Local',
    lastName: typeof body.lastName === 'string' ? body.lastName : 'Buyer',
    email: typeof body.email === 'string' ? body.email : 'buyer@example.com',
  };
  return { contactId, memberId, buyer };
}

/** One ticket per unit of each line, numbered within the order. */
function ticketsOf(checked: CheckedLine[], orderNumber: string, who: ReturnType<typeof buyerOf>): OrderTicket[] {
  const tickets: OrderTicket[] = [];
  for (const c of checked) {
    for (let i = 0; i < c.line.quantity; i++) {
      tickets.push({
        ticketNumber: ticketNumber(orderNumber, tickets.length + 1),
        ticketDefinitionId: c.line.ticketDefinitionId,
        ticketName: c.name,
        ...(c.line.optionId ? { optionId: c.line.optionId } : {}),
        price: amount(c.price.value, c.price.currency),
        free: isZero(c.price.value),
        ...who.buyer, contactId: who.contactId, memberId: who.memberId, confirmed: true, archived: false,
      });
    }
  }
  return tickets;
}

function invoiceOf(checked: CheckedLine[], currency: string) {
  const items = checked.map((c) => ({
    id: c.line.ticketDefinitionId, name: c.name, quantity: c.line.quantity,
    price: amount(c.price.value, c.price.currency), total: amount(c.price.value, c.price.currency, c.line.quantity),
  }));
  const total = { amount: sum(checked.map((c) => ({ value: c.price.value, quantity: c.line.quantity }))), currency };
  return { items, total, subTotal: total, grandTotal: total, fees: [] };
}

/** Cancels an order: its tickets go back to their definitions (never below zero sold). */
function cancelOrder(orders: OrderStore, store: TicketDefinitionsApi['store'], orderNumber: string, now: Date): Order {
  const order = orders.get(orderNumber);
  if (!order) throw refuse(404, 'ORDER_NOT_FOUND', `Order ${orderNumber} does not exist`);
  if (order.status === 'CANCELED') throw refuse(409, 'ORDER_ALREADY_CANCELED', `Order ${orderNumber} is already canceled`);
  const perDefinition = new Map<string, number>();
  for (const t of order.tickets) perDefinition.set(t.ticketDefinitionId, (perDefinition.get(t.ticketDefinitionId) ?? 0) + 1);
  for (const [id, n] of perDefinition) {
    const d = store.get(id);
    if (d) store.addSold(id, -Math.min(n, d.soldCount));
  }
  const updated: Order = {
    ...order, status: 'CANCELED', updated: now.toISOString(),
    tickets: order.tickets.map((t) => ({ ...t, canceled: true })),
  };
  orders.save(updated);
  return updated;
}

/**
 * The checkout's transactions over one SQLite connection: the local Wix's own, or a checkout worker's
 * (checkoutWorker.ts). Each confirmation or cancellation is one immediate transaction; the caller
 * emits the order event after it commits.
 */
export function checkoutService(db: Database.Database, definitions: () => TicketDefinitionStore, clock: { now(): Date }) {
  const orders = new OrderStore(db);
  const confirm = db.transaction((body: Json): Order => {
    const req = parseRequest(body);
    const store = definitions();
    const now = clock.now();
    const at = now.toISOString();
    const { checked, perDefinition, currency } = checkOrder(store, req, now);
    for (const [id, n] of perDefinition) store.addSold(id, n);
    const orderNumber = orders.uniqueOrderNumber();
    const who = buyerOf(body);
    const invoice = invoiceOf(checked, currency);
    const status = req.status ?? (isZero(invoice.total.amount) ? 'FREE' : 'PAID');
    const order: Order = {
      eventId: req.eventId, orderNumber, contactId: who.contactId, memberId: who.memberId, created: at, updated: at, ...who.buyer,
      status, confirmed: true, archived: false, method: status === 'PAID' ? 'creditCard' : null,
      checkoutForm: { inputValues: Object.entries(who.buyer).map(([inputName, value]) => ({ inputName, value, values: [] })) },
      tickets: ticketsOf(checked, orderNumber, who),
      invoice,
      reservationId: randomUUID(),
    };
    orders.insert(order);
    return order;
  });
  const cancel = db.transaction((orderNumber: string): Order => cancelOrder(orders, definitions(), orderNumber, clock.now()));
  return {
    orders,
    /** Confirms an order (throws WixHttpError when Wix's checkout would refuse it); emit ORDER_CONFIRMED_EVENT after. */
    confirm: (body: Json): Order => confirm.immediate(body),
    /** Cancels an order; emit ORDER_UPDATED_EVENT after. */
    cancel: (orderNumber: string): Order => cancel.immediate(orderNumber),
  };
}

export function createCheckout(ctx: ServerContext) {
  const checkout = checkoutService(ctx.db, () => ticketDefinitionsOf(ctx).store, ctx.clock);
  const orders = checkout.orders;
  ctx.router.post('/_local/checkout/orders', (req: RequestContext) => {
    const order = checkout.confirm(req.body as Json);
    ctx.host.dispatchEvent(ORDER_CONFIRMED_EVENT, orderEventPayload(order, order.created));
    return order;
  });
  ctx.router.post('/_local/checkout/orders/:orderNumber/cancel', (req: RequestContext) => {
    const order = checkout.cancel(req.params.orderNumber!);
    ctx.host.dispatchEvent(ORDER_UPDATED_EVENT, orderEventPayload(order, order.updated));
    return order;
  });
  ctx.router.get('/_local/checkout/orders/:orderNumber', (req: RequestContext) => {
    const order = orders.get(req.params.orderNumber!);
    if (!order) throw refuse(404, 'ORDER_NOT_FOUND', `Order ${req.params.orderNumber} does not exist`);
    return order;
  });
  ctx.router.get('/_local/checkout/orders', (req: RequestContext) => ({ orders: orders.list(req.url.searchParams.get('eventId') ?? undefined) }));
  return { orders };
}

export const checkoutModule: LocalWixModule = (ctx) => {
  createCheckout(ctx);
};
