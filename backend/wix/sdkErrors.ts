// Reading the errors the Wix SDK throws: `status` (HTTP) and `details.applicationError.code`.
export function sdkErrorStatus(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}
export function sdkErrorCode(e: unknown): string | undefined {
  const c = (e as { details?: { applicationError?: { code?: unknown } } })?.details?.applicationError?.code;
  return typeof c === 'string' ? c : undefined;
}
