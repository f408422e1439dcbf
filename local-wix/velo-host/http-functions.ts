// HTTP functions: `src/backend/http-functions.js` exports `get_<name>` / `post_<name>` / `put_<name>` /
// `delete_<name>` / `options_<name>` / `use_<name>`, served at `/_functions/<name>[/<path>]` as on Wix.
import { Reply, type RequestContext } from '../server/http.js';
import { WixHttpError } from '../server/http.js';

export const HTTP_FUNCTIONS_FILE = 'http-functions.js';
export const HTTP_FUNCTION_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'];

export interface WixHttpRequest {
  method: string;
  url: string;
  baseUrl: string;
  functionName: string;
  path: string[];
  query: Record<string, string>;
  headers: Record<string, string>;
  ip: string;
  body: { text(): Promise<string>; json(): Promise<any> };
}

export function toWixRequest(req: RequestContext, baseUrl: string): WixHttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const rest = req.params.rest ?? '';
  return {
    method: req.method,
    url: new URL(req.url.pathname + req.url.search, baseUrl).href,
    baseUrl: `${baseUrl}/_functions`,
    functionName: req.params.name!,
    path: rest ? rest.split('/').filter(Boolean).map(decodeURIComponent) : [],
    query: Object.fromEntries(req.url.searchParams),
    headers,
    ip: '127.0.0.1',
    body: {
      text: async () => req.rawBody,
      json: async () => JSON.parse(req.rawBody),
    },
  };
}

/** Export names to try for a request, most specific first. */
export function handlerNames(method: string, name: string): string[] {
  return [`${method.toLowerCase()}_${name}`, `use_${name}`];
}

/** A `WixHttpFunctionResponse` (or any `{status, body, headers}`) as the router's reply. */
export function toReply(res: unknown, fnName: string): Reply {
  if (!res || typeof res !== 'object' || typeof (res as any).status !== 'number') {
    throw new WixHttpError(500, `HTTP function ${fnName} must return a response from wix-http-functions (ok(), badRequest(), response(), …)`);
  }
  const { status, body, headers = {} } = res as { status: number; body?: unknown; headers?: Record<string, string> };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (body === undefined || body === null) return Reply.text('', { status, headers });
  if (typeof body === 'string') return Reply.text(body, { status, headers });
  if (Buffer.isBuffer(body)) return Reply.text(body.toString('utf8'), { status, headers });
  return Reply.text(JSON.stringify(body), { status, headers: hasType ? headers : { 'content-type': 'application/json', ...headers } });
}
