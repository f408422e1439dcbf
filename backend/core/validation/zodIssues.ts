// One wording for a zod refusal: each issue as "<path> <message>", the path dotted, or `root` when the
// issue is about the value as a whole. Callers choose the separator and any prefix their readers expect.
import type { z } from 'zod';

export interface IssueWording {
  /** Named when the issue has no path (the value as a whole). Default `input`. */
  root?: string;
  /** Between the path and the message. Default `: `. */
  sep?: string;
  /** Before the path, e.g. `options.` for a nested setting. */
  prefix?: string;
}

export function issueLines(error: z.ZodError, wording: IssueWording = {}): string[] {
  const { root = 'input', sep = ': ', prefix = '' } = wording;
  return error.issues.map((i) => `${prefix}${i.path.join('.') || root}${sep}${i.message}`);
}

/** "<method>: field message; …", how a web method words a refused input. */
export function inputProblem(method: string, error: z.ZodError): string {
  return `${method}: ${issueLines(error, { sep: ' ' }).join('; ')}`;
}
