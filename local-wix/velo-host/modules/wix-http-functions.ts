// Velo `wix-http-functions`: response helpers for `get_<name>` / `post_<name>` in http-functions.js.
export interface WixHttpFunctionResponseOptions { status?: number; body?: unknown; headers?: Record<string, string> }

export class WixHttpFunctionResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  constructor(o: WixHttpFunctionResponseOptions = {}, defaultStatus = 200) {
    this.status = o.status ?? defaultStatus;
    this.body = o.body;
    this.headers = { ...(o.headers ?? {}) };
  }
}

const make = (status: number) => (o: WixHttpFunctionResponseOptions = {}) => new WixHttpFunctionResponse({ ...o, status }, status);
export const ok = make(200);
export const created = make(201);
export const badRequest = make(400);
export const forbidden = make(403);
export const notFound = make(404);
export const serverError = make(500);
export function response(o: WixHttpFunctionResponseOptions = {}) { return new WixHttpFunctionResponse(o, 200); }
