// A small router for the local Wix: JSON in, JSON out, Wix-style error bodies.
import http from 'node:http';

export type Json = Record<string, unknown>;

/** An error answered the way Wix answers: HTTP status plus `{message, details}`. */
export class WixHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Json = {},
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
  rawBody: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw text/HTML answer instead of JSON. */
  text?: string;
}

export type Handler = (req: RequestContext) => Promise<Reply | unknown> | Reply | unknown;
/** Handlers that take over the response themselves (server-sent events). */
export type StreamHandler = (req: RequestContext, res: http.ServerResponse) => void;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler?: Handler;
  stream?: StreamHandler;
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        keys.push(part.slice(1));
        return '([^/]+)';
      }
      if (part === '*') {
        keys.push('rest');
        return '(.*)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), keys };
}

export class Router {
  private routes: Route[] = [];
  /** Called for every request, after routing, with the matched route pattern (for call counting). */
  onRequest: (method: string, path: string) => void = () => {};
  /** Runs around every routed (non-stream) handler: the site's quotas, latency and time limits (siteLimits.ts). */
  around: (req: RequestContext, run: () => Promise<unknown>) => Promise<unknown> = (_req, run) => run();
  /** Checked before routing (the local Wix's surface rules); an error it returns is the answer. */
  guard: (method: string, pathname: string, headers: http.IncomingHttpHeaders) => WixHttpError | null = () => null;

  add(method: string, path: string, handler: Handler) {
    this.routes.push({ method, ...compile(path), handler });
  }
  stream(method: string, path: string, stream: StreamHandler) {
    this.routes.push({ method, ...compile(path), stream });
  }
  get(path: string, h: Handler) { this.add('GET', path, h); }
  post(path: string, h: Handler) { this.add('POST', path, h); }
  patch(path: string, h: Handler) { this.add('PATCH', path, h); }
  delete(path: string, h: Handler) { this.add('DELETE', path, h); }

  async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of this.routes) {
      if (r.method !== method) continue;
      match = r.pattern.exec(url.pathname);
      if (match) { route = r; break; }
    }
    const rawBody = await readBody(req);
    try {
      const refused = this.guard(method, url.pathname, req.headers);
      if (refused) throw refused;
      if (!route || !match) throw WixHttpError.notFound('NOT_FOUND', `No route for ${method} ${url.pathname}`);
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(match![i + 1] ?? '')));
      let body: any = undefined;
      if (rawBody && /json/.test(String(req.headers['content-type'] ?? 'application/json'))) {
        try { body = JSON.parse(rawBody); } catch { throw WixHttpError.validation('body', 'Request body is not valid JSON'); }
      }
      const ctx: RequestContext = { method, url, params, headers: req.headers, body: body ?? {}, rawBody };
      this.onRequest(method, url.pathname);
      if (route.stream) return route.stream(ctx, res);
      const handler = route.handler!;
      const out = await this.around(ctx, async () => handler(ctx));
      const reply: Reply = isReply(out) ? out : { body: out };
      send(res, reply);
    } catch (err) {
      if (err instanceof WixHttpError) {
        send(res, { status: err.status, body: { message: err.message, details: err.details } });
      } else {
        console.error('[local-wix] internal error', err);
        send(res, { status: 500, body: { message: 'Internal error', details: { applicationError: { code: 'INTERNAL', description: String((err as Error)?.message ?? err), data: {} } } } });
      }
    }
  }
}

function isReply(x: unknown): x is Reply {
  return !!x && typeof x === 'object' && ('status' in x || 'text' in x || 'headers' in x) && !Array.isArray(x) && Object.keys(x).every((k) => ['status', 'body', 'headers', 'text'].includes(k));
}

function send(res: http.ServerResponse, reply: Reply) {
  if (res.headersSent) return;
  const status = reply.status ?? 200;
  if (reply.text !== undefined) {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
    res.end(reply.text);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(reply.body ?? {}));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
