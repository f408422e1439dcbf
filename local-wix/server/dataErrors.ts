// Wix Data's error answers (codes from Wix's "Wix Data Error Codes" list and the SDK's own parser in
// @wix/wix-data-items-common: it reads `details.applicationError.{code, description, data}` and, for
// WDE0078 hook errors, rebuilds the hook's Error from `data.jsErrorValue` or returns `data.value`).
import { WixHttpError } from './http.js';

export type DataAction = 'read' | 'insert' | 'update' | 'remove';

export const dataErrors = {
  collectionMissing: (collection: string) =>
    WixHttpError.application(404, 'WDE0025', `WDE0025: The ${collection} collection does not exist. You cannot work with a collection using the Data API before it is created in the Editor.`, { collectionId: collection }),
  permissionDenied: (collection: string, action: DataAction) =>
    WixHttpError.application(403, 'WDE0027', `WDE0027: The current user does not have permissions to ${action} on the ${collection} collection.`, { collectionId: collection, operation: action }),
  itemMissing: (collection: string, id: string) =>
    WixHttpError.application(404, 'WDE0073', `WDE0073: Item [${id}] does not exist in collection [${collection}].`, { collectionId: collection, itemId: id }),
  itemExists: (collection: string, id: string) => {
    const e = itemExistsError(collection, id);
    return WixHttpError.application(409, e.code, e.description, e.data);
  },
  collectionExists: (collection: string) =>
    WixHttpError.application(409, 'WDE0104', `Collection [${collection}] already exists.`, { collectionId: collection }),
  tooMany: (collection: string) =>
    WixHttpError.application(400, 'WDE0006', `WDE0006: Failed to bulk save items into [${collection}].\nCannot insert more than 1000 items in one request`),
  tooLarge: () => WixHttpError.application(413, 'WDE0109', 'WDE0109: Payload is too large.'),
  /** A before-hook refused the write: the thrown Error (or rejected value) travels back to the caller. */
  hookError(collection: string, hook: string, thrown: unknown) {
    const isError = thrown instanceof Error;
    const message = isError ? thrown.message : typeof thrown === 'string' ? thrown : JSON.stringify(thrown);
    const data = isError
      ? { jsErrorValue: { name: thrown.name, message: thrown.message, ...('code' in thrown && thrown.code !== undefined ? { code: thrown.code } : {}) } }
      : { value: thrown };
    return WixHttpError.application(400, 'WDE0078', message, { ...data, hook: `${collection}_${hook}` });
  },
};

/** WDE0074 as a bulk item's error (without building an Error: a burst of claims loses most of them). */
export function itemExistsError(collection: string, id: string) {
  return { code: 'WDE0074', description: `WDE0074: An item with _id [${id}] already exists in this collection.`, data: { collectionId: collection, itemId: id } as Record<string, unknown> };
}

/** The same error as a bulk item's `itemMetadata.error` (`ApplicationError`). */
export function bulkItemError(err: unknown): { code: string; description: string; data: Record<string, unknown> } {
  if (err instanceof WixHttpError) {
    const app = (err.details as { applicationError?: { code: string; description: string; data?: Record<string, unknown> } }).applicationError;
    if (app) return { code: app.code, description: app.description, data: app.data ?? {} };
    return { code: 'WDE0020', description: err.message, data: err.details };
  }
  return { code: 'INTERNAL', description: String((err as Error)?.message ?? err), data: {} };
}
