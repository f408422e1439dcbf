// The local Wix's HTTP layer: routes matched by find-my-way (a radix-tree router), JSON in, JSON
// out, Wix-style error bodies. Past routing it answers as a front server does: 405 with `Allow`
// when the path exists for another method, 400 for a malformed `%` escape, 413 past the body limit.
import type http from 'node:http';
import FindMyWay from 'find-my-way';

export type Json = Record<string, unknown>;

/** An error answered the way Wix answers: HTTP status plus `{message, details}`. */
export class WixHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Json = {},
    /** Extra response headers (`Allow` on a 405, `Connection: close` on a 413). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  static application(status: number, code: string, description: string, data: Json = {}) {
    return new WixHttpError(status, description, { applicationError: { code, description, data } });
  }
  static validation(field: string, description: string) {
    return new WixHttpError(400, `INVALID_ARGUMENT: ${description}`, {
      validationError: { fieldViolations: [{ field, description, violatedRule: 'VALIDATION' }] },
    });
  }
  static notFound(code: string, description: string) {
    return WixHttpError.application(404, code, description);
  }
}

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** The body as UTF-8 text. */
  rawBody: string;
  /** The body's bytes (binary payloads such as encrypted web pushes). */
  rawBytes: Buffer;
}

interface ReplyInit { status?: number; headers?: Record<string, string> }

/** A handler's explicit answer; anything else a handler returns is sent as a 200 JSON body. */
export class Reply {
  private constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    /** The serialized body. */
    readonly payload: string,
  ) {}
  static json(body: unknown, init: ReplyInit = {}): Reply {
    return new Reply(init.status ?? 200, { 'content-type': 'application/json', ...init.headers }, JSON.stringify(body ?? {}));
  }
  /** A text answer: `text/plain` unless `headers` names another content type. */
  static text(text: string, init: ReplyInit = {}): Reply {
    return new Reply(init.status ?? 200, { 'content-type': 'text/plain; charset=utf-8', ...init.headers }, text);
  }
  static html(html: string, init: ReplyInit = {}): Reply {
    return Reply.text(html, { ...init, headers: { 'content-type': 'text/html; charset=utf-8', ...init.headers } });
  }
  static redirect(location: string, status = 303): Reply {
    return Reply.text('', { status, headers: { location } });
  }
}

export type Handler = (req: RequestContext) => Promise<unknown> | unknown;
/** Handlers that take over the response themselves (pages, files, server-sent events). */
export type StreamHandler = (req: RequestContext, res: http.ServerResponse) => void | Promise<void>;

interface Route { handler?: Handler; stream?: StreamHandler }

/**
 * Request body limits. Wix documents 512 KB for an HTTP function's request body; it publishes no
 * cap for Wix Data or API requests (only 500 KB per item and 1000 items per bulk call), so the
 * local Wix refuses other bodies over 4 MB.
 */
export const BODY_LIMITS = {
  httpFunctions: 512 * 1024,
  other: 4 * 1024 * 1024,
};

function bodyLimit(pathname: string): number {
  return pathname.startsWith('/_functions/') ? BODY_LIMITS.httpFunctions : BODY_LIMITS.other;
}

const tooLarge = (limit: number) => new WixHttpError(413, `Request body is larger than ${limit} bytes`,
  { applicationError: { code: 'PAYLOAD_TOO_LARGE', description: `Request body is larger than ${limit} bytes`, data: { limitBytes: limit } } },
  { connection: 'close' });

/** The wildcard `*` of a route path arrives as `params.rest`. */
const WILDCARD = '*';

export class Router {
  // Matching runs on the raw (still percent-encoded) path, so that routing, the guard and the quotas
  // all see the same path; `%` is escaped before find-my-way decodes it, and params are decoded here.
  private readonly tree = FindMyWay({ caseSensitive: true, ignoreTrailingSlash: false, maxParamLength: 8192 });
  private readonly methods = new Set<string>();
  /** Called for every routed request (after the guard), for call counting. */
  onRequest: (method: string, path: string) => void = () => {};
  /** Runs around every routed (non-stream) handler: the site's quotas, latency and time limits (siteLimits.ts). */
  around: (req: RequestContext, run: () => Promise<unknown>) => Promise<unknown> = (_req, run) => run();
  /** Checked before routing (the local Wix's surface rules); an error it returns is the answer. */
  guard: (method: string, pathname: string, headers: http.IncomingHttpHeaders) => WixHttpError | null = () => null;

  add(method: string, path: string, handler: Handler) { this.on(method, path, { handler }); }
  stream(method: string, path: string, stream: StreamHandler) { this.on(method, path, { stream }); }
  get(path: string, h: Handler) { this.add('GET', path, h); }
  post(path: string, h: Handler) { this.add('POST', path, h); }
  patch(path: string, h: Handler) { this.add('PATCH', path, h); }
  delete(path: string, h: Handler) { this.add('DELETE', path, h); }

  private on(method: string, path: string, route: Route) {
    this.methods.add(method);
    this.tree.on(method as FindMyWay.HTTPMethod, path, () => {}, route);
  }

  private find(method: string, pathname: string): { route: Route; params: Record<string, string> } | null {
    if (!this.methods.has(method)) return null;
    const found = this.tree.find(method as FindMyWay.HTTPMethod, pathname.replaceAll('%', '%25'));
    if (!found) return null;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(found.params)) params[k === WILDCARD ? 'rest' : k] = decodeParam(v ?? '');
    return { route: found.store as Route, params };
  }

  /** The methods other than `method` that have a route for `pathname` (for a 405's `Allow`). */
  private otherMethods(method: string, pathname: string): string[] {
    const escaped = pathname.replaceAll('%', '%25');
    return [...this.methods].filter((m) => m !== method && this.tree.find(m as FindMyWay.HTTPMethod, escaped)).sort();
  }

  private route(method: string, pathname: string) {
    const found = this.find(method, pathname);
    if (found) return found;
    const allow = this.otherMethods(method, pathname);
    if (allow.length) {
      throw new WixHttpError(405, `${method} is not allowed on ${pathname}`,
        { applicationError: { code: 'METHOD_NOT_ALLOWED', description: `${method} is not allowed on ${pathname}`, data: { allow } } },
        { allow: allow.join(', ') });
    }
    throw WixHttpError.notFound('NOT_FOUND', `No route for ${method} ${pathname}`);
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    try {
      const refused = this.guard(method, url.pathname, req.headers);
      if (refused) throw refused;
      checkEscapes(url.pathname);
      const { route, params } = this.route(method, url.pathname);
      const rawBytes = await readBody(req, bodyLimit(url.pathname));
      const rawBody = rawBytes.toString('utf8');
      const ctx: RequestContext = { method, url, params, headers: req.headers, body: parseJson(rawBody, req.headers), rawBody, rawBytes };
      this.onRequest(method, url.pathname);
      if (route.stream) return await route.stream(ctx, res);
      const out = await this.around(ctx, async () => route.handler!(ctx));
      send(res, out instanceof Reply ? out : Reply.json(out));
    } catch (err) {
      send(res, errorReply(err));
    }
  }
}

function decodeParam(value: string): string {
  try { return decodeURIComponent(value); } catch { throw badEscape(); }
}

const badEscape = () => WixHttpError.validation('path', 'The request path has a malformed percent-encoding (%)');

/** A `%` not followed by two hex digits, or escapes that are not UTF-8, are a bad request (a front server's 400). */
function checkEscapes(pathname: string) {
  decodeParam(pathname);
}

function parseJson(rawBody: string, headers: http.IncomingHttpHeaders): unknown {
  if (!rawBody || !/json/.test(String(headers['content-type'] ?? 'application/json'))) return {};
  try { return JSON.parse(rawBody) ?? {}; } catch { throw WixHttpError.validation('body', 'Request body is not valid JSON'); }
}

/** An error as the local Wix answers it: a WixHttpError's status and body, anything else an internal error (logged). */
export function errorAnswer(err: unknown): { status: number; body: { message: string; details: Json }; headers: Record<string, string> } {
  if (err instanceof WixHttpError) return { status: err.status, body: { message: err.message, details: err.details }, headers: err.headers };
  console.error('[local-wix] internal error', err);
  const description = String((err as Error)?.message ?? err);
  return { status: 500, body: { message: 'Internal error', details: { applicationError: { code: 'INTERNAL', description, data: {} } } }, headers: {} };
}

function errorReply(err: unknown): Reply {
  const a = errorAnswer(err);
  return Reply.json(a.body, { status: a.status, headers: a.headers });
}

function send(res: http.ServerResponse, reply: Reply) {
  if (res.headersSent) return;
  res.writeHead(reply.status, reply.headers);
  res.end(reply.payload);
}

/** Reads the body up to `limit` bytes; past it, a 413 (the rest of the upload is not read). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      req.off('data', onData);
      reject(tooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
