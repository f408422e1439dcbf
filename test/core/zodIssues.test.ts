import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueLines } from '../../backend/core/validation/zodIssues.js';

const schema = z.object({ a: z.object({ b: z.number() }) });
const nested = schema.safeParse({ a: { b: 'x' } }).error!;
const whole = schema.safeParse('not an object').error!;

describe('issueLines', () => {
  it.each([
    ['defaults', nested, {}, /^a\.b: /],
    ['a space between path and message', nested, { sep: ' ' }, /^a\.b (?!:)/],
    ['a prefix before the path', nested, { prefix: 'options.' }, /^options\.a\.b: /],
    ['the root name for an issue about the whole value', whole, { root: 'row' }, /^row: /],
    ['no root name when asked for none', whole, { root: '' }, /^: /],
  ] as const)('%s', (_name, error, wording, shape) => {
    const lines = issueLines(error, wording);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(shape);
    expect(lines[0]!.length).toBeGreaterThan(String(lines[0]!.match(shape)![0]).length); // the message follows
  });
});
