// Dotted paths typed into CMS rows (mapping `targetField`, `sourcePath`, template placeholders). A path
// segment `__proto__`, `constructor` or `prototype` would reach Object.prototype (a warm container
// would then see the value as a default of every object, e.g. of settings); such paths are refused in
// every segment, and paths are short.
export const FORBIDDEN_SEGMENTS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const MAX_PATH_LENGTH = 100;
export const MAX_PATH_SEGMENTS = 8;

/** Why the path is refused, or null. */
export function unsafePathProblem(path: string): string | null {
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  const segments = path.split('.');
  if (segments.length > MAX_PATH_SEGMENTS) return `has more than ${MAX_PATH_SEGMENTS} parts`;
  const bad = segments.find((s) => FORBIDDEN_SEGMENTS.includes(s.trim()));
  return bad ? `uses "${bad.trim()}", which is not allowed in a path (${FORBIDDEN_SEGMENTS.join(', ')})` : null;
}
