// Orders of the simulated checkout, stored in SQLite in the shape Wix's order events carry
// (Velo `wixEvents_onOrderConfirmed` / `wixEvents_onOrderUpdated`): order number, buyer, status,
// tickets with their definition and price, and an invoice.
import { randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Amount } from './checkoutMoney.js';

export type OrderStatus = 'PAID' | 'FREE' | 'CANCELED';

export interface OrderTicket {
  ticketNumber: string;
  ticketDefinitionId: string;
  ticketName: string;
  optionId?: string;
  price: Amount;
  free: boolean;
  firstName: string;
  lastName: string;
  email: string;
  contactId: string;
  memberId: string | null;
  confirmed: boolean;
  archived: boolean;
  canceled?: boolean;
}

export interface InvoiceItem { id: string; name: string; quantity: number; price: Amount; total: Amount }
export interface Invoice { items: InvoiceItem[]; total: Amount; subTotal: Amount; grandTotal: Amount; fees: unknown[] }

export interface Order {
  eventId: string;
  orderNumber: string;
  contactId: string;
  memberId: string | null;
  created: string;
  updated: string;
  firstName: string;
  lastName: string;
  email: string;
  status: OrderStatus;
  confirmed: boolean;
  archived: boolean;
  method: string | null;
  checkoutForm: { inputValues: { inputName: string; value: string; values: string[] }[] };
  tickets: OrderTicket[];
  invoice: Invoice;
  reservationId: string;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const chunk = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
/** Wix order numbers look like `FMXC-BZG3-OT`; tickets append a 3-digit index (`FMXC-BZG3-OT021`). */
export const newOrderNumber = () => `${chunk(4)}-${chunk(4)}-${chunk(2)}`;
export const ticketNumber = (orderNumber: string, index: number) => `${orderNumber}${String(index).padStart(3, '0')}`;

export class OrderStore {
  private readonly stmts;
  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS checkout_orders (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        order_number TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL,
        status TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS checkout_orders_event ON checkout_orders (event_id, seq);
    `);
    this.stmts = {
      insert: db.prepare('INSERT INTO checkout_orders (order_number, event_id, status, data) VALUES (@orderNumber, @eventId, @status, @data)'),
      get: db.prepare<[string], { data: string }>('SELECT data FROM checkout_orders WHERE order_number = ?'),
      exists: db.prepare<[string], { n: number }>('SELECT 1 AS n FROM checkout_orders WHERE order_number = ?'),
      byEvent: db.prepare<[string], { data: string }>('SELECT data FROM checkout_orders WHERE event_id = ? ORDER BY seq'),
      all: db.prepare<[], { data: string }>('SELECT data FROM checkout_orders ORDER BY seq'),
      save: db.prepare('UPDATE checkout_orders SET status = @status, data = @data WHERE order_number = @orderNumber'),
    };
  }
  uniqueOrderNumber(): string {
    for (;;) {
      const n = newOrderNumber();
      if (!this.stmts.exists.get(n)) return n;
    }
  }
  insert(o: Order) {
    this.stmts.insert.run({ orderNumber: o.orderNumber, eventId: o.eventId, status: o.status, data: JSON.stringify(o) });
  }
  save(o: Order) {
    this.stmts.save.run({ orderNumber: o.orderNumber, status: o.status, data: JSON.stringify(o) });
  }
  get(orderNumber: string): Order | null {
    const r = this.stmts.get.get(orderNumber);
    return r ? (JSON.parse(r.data) as Order) : null;
  }
  list(eventId?: string): Order[] {
    return (eventId ? this.stmts.byEvent.all(eventId) : this.stmts.all.all()).map((r) => JSON.parse(r.data) as Order);
  }
}

/** The Velo event payload for an order: the order plus the time of the change. */
export function orderEventPayload(o: Order, timestamp: string) {
  return { timestamp, ...o };
}
