// A local web-push service (what FCM/Mozilla autopush are to a real browser), for tests:
// POST /_local/push/<id> records the raw encrypted body (aes128gcm) and its headers so a test can
// decrypt it with the subscription's private key; GET /_local/push/<id> returns what arrived;
// POST /_local/push/<id>/gone makes later pushes answer 410 Gone (an expired subscription).
import type { ServerContext } from './app.js';
import { Reply, WixHttpError } from './http.js';

export interface ReceivedPush { seq: number; receivedAt: string; headers: Record<string, string>; bodyBase64: string }

const RECORDED_HEADERS = ['content-encoding', 'content-type', 'content-length', 'ttl', 'urgency', 'topic', 'authorization', 'crypto-key', 'encryption'];

export function registerPushEndpoint(ctx: ServerContext) {
  const { db, router, clock } = ctx;
  db.exec(`
    CREATE TABLE IF NOT EXISTS local_push_messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, sub_id TEXT NOT NULL, received_at TEXT NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS local_push_gone (sub_id TEXT PRIMARY KEY);
  `);
  const isGone = (id: string) => !!db.prepare('SELECT 1 FROM local_push_gone WHERE sub_id = ?').get(id);

  // The body is taken as bytes (the encrypted aes128gcm payload), not as text.
  router.post('/_local/push/:id', (req) => {
    const id = req.params.id!;
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw WixHttpError.notFound('NOT_FOUND', `No push subscription ${id}`);
    if (isGone(id)) throw new WixHttpError(410, 'push subscription has unsubscribed or expired');
    const headers: Record<string, string> = {};
    for (const h of RECORDED_HEADERS) if (req.headers[h] !== undefined) headers[h] = String(req.headers[h]);
    db.prepare('INSERT INTO local_push_messages (sub_id, received_at, headers, body) VALUES (?, ?, ?, ?)')
      .run(id, clock.now().toISOString(), JSON.stringify(headers), req.rawBytes);
    return Reply.json({}, { status: 201, headers: { location: `/_local/push/${id}` } });
  });

  router.get('/_local/push/:id', (req) => {
    const rows = db.prepare('SELECT seq, received_at, headers, body FROM local_push_messages WHERE sub_id = ? ORDER BY seq').all(req.params.id) as
      { seq: number; received_at: string; headers: string; body: Buffer }[];
    const messages: ReceivedPush[] = rows.map((r) => ({ seq: r.seq, receivedAt: r.received_at, headers: JSON.parse(r.headers), bodyBase64: Buffer.from(r.body).toString('base64') }));
    return { gone: isGone(req.params.id!), messages };
  });
  router.post('/_local/push/:id/gone', (req) => {
    db.prepare('INSERT OR IGNORE INTO local_push_gone (sub_id) VALUES (?)').run(req.params.id);
    return { gone: true };
  });
  router.delete('/_local/push/:id', (req) => {
    db.prepare('DELETE FROM local_push_messages WHERE sub_id = ?').run(req.params.id);
    db.prepare('DELETE FROM local_push_gone WHERE sub_id = ?').run(req.params.id);
    return {};
  });
}
