// The demo's external ticketing system ("Demo box office"), served by the local Wix for `npm start`
// only: a receiver for the package's signed REST target at /_local/demo-ticketing. It checks each
// request's Standard Webhooks signature (standardwebhooks, as a real receiver would), replays the
// stored answer for a repeated idempotency key, and keeps tickets per event in SQLite. Not part of
// the Wix site; the tests use test/vendors/signedRestReceiver.ts instead.
import { Webhook } from 'standardwebhooks';
import type { LocalWixModule } from '../server/app.js';
import { Reply, type RequestContext } from '../server/http.js';

/** A box-office answer: its status and JSON body. */
type Answer = { status: number; body: unknown };

export const DEMO_TICKETING_PATH = '/_local/demo-ticketing';
export const DEMO_TICKETING_SECRET_NAME = 'SYNC_DEMO_TICKETING_SECRET';

export function demoTicketingModule(secret: () => string | null): LocalWixModule {
  return (ctx) => {
    const db = ctx.db;
    db.exec(`CREATE TABLE IF NOT EXISTS demo_ticketing_tickets (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, body TEXT NOT NULL, active INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS demo_ticketing_replies (key TEXT PRIMARY KEY, status INTEGER NOT NULL, body TEXT NOT NULL)`);
    const put = db.prepare('INSERT OR REPLACE INTO demo_ticketing_tickets (id, event_id, body, active) VALUES (?, ?, ?, ?)');
    const get = db.prepare('SELECT id, event_id AS eventId, body, active FROM demo_ticketing_tickets WHERE id = ?');
    const list = db.prepare('SELECT id, body FROM demo_ticketing_tickets WHERE event_id = ?');
    const del = db.prepare('DELETE FROM demo_ticketing_tickets WHERE id = ?');
    const reply = db.prepare('SELECT status, body FROM demo_ticketing_replies WHERE key = ?');
    const keep = db.prepare('INSERT OR REPLACE INTO demo_ticketing_replies (key, status, body) VALUES (?, ?, ?)');

    const signed = (req: RequestContext, apply: () => Answer): Reply => {
      const a = answerSigned(req, apply);
      return Reply.json(a.body, { status: a.status });
    };
    const answerSigned = (req: RequestContext, apply: () => Answer): Answer => {
      const s = secret();
      if (!s) return { status: 503, body: { error: `the demo box office has no signing secret (${DEMO_TICKETING_SECRET_NAME})` } };
      try {
        new Webhook(s).verify(req.rawBody, req.headers as Record<string, string>);
      } catch (e) {
        return { status: 401, body: { error: `signature: ${(e as Error).message}` } };
      }
      const key = String(req.headers['idempotency-key'] ?? req.headers['webhook-id'] ?? '');
      const seen = key ? (reply.get(key) as { status: number; body: string } | undefined) : undefined;
      if (seen) return { status: seen.status, body: JSON.parse(seen.body) };
      const r = apply();
      if (key) keep.run(key, r.status ?? 200, JSON.stringify(r.body ?? {}));
      return r;
    };
    const base = `${DEMO_TICKETING_PATH}/events/:eventId/tickets`;
    ctx.router.get(base, (req) => (list.all(req.params.eventId!) as { id: string; body: string }[]).map((t) => ({ id: t.id, ...JSON.parse(t.body) })));
    ctx.router.post(base, (req) => signed(req, () => {
      const id = `box-${crypto.randomUUID()}`;
      put.run(id, req.params.eventId!, JSON.stringify(req.body ?? {}), 1);
      return { status: 201, body: { id } };
    }));
    const one = (req: RequestContext) => get.get(req.params.id!) as { id: string; eventId: string; body: string; active: number } | undefined;
    ctx.router.add('PUT', `${base}/:id`, (req) => signed(req, () => {
      const t = one(req);
      if (!t || t.eventId !== req.params.eventId) return { status: 404, body: { error: 'no such ticket' } };
      put.run(t.id, t.eventId, JSON.stringify(req.body ?? {}), 1);
      return { status: 200, body: { id: t.id } };
    }));
    ctx.router.patch(`${base}/:id`, (req) => signed(req, () => {
      const t = one(req);
      if (!t || t.eventId !== req.params.eventId) return { status: 404, body: { error: 'no such ticket' } };
      put.run(t.id, t.eventId, t.body, (req.body as { active?: unknown })?.active === false ? 0 : t.active);
      return { status: 200, body: { id: t.id } };
    }));
    ctx.router.delete(`${base}/:id`, (req) => signed(req, () => {
      const t = one(req);
      if (!t || t.eventId !== req.params.eventId) return { status: 404, body: { error: 'no such ticket' } };
      del.run(t.id);
      return { status: 200, body: { id: t.id, deleted: true } };
    }));
  };
}
