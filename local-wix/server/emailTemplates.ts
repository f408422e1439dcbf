// Triggered-email templates of the local Wix. On Wix a site owner designs them in the dashboard and
// code refers to them by ID; here each is `email-templates/<templateId>.html` with `{{variable}}`
// placeholders. Values are always escaped; a placeholder without a value renders empty, as on Wix.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from './html.js';

/** The local site's templates (site content, as the site owner's dashboard holds them on Wix); read, not imported. */
export const DEFAULT_TEMPLATES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'site', 'email-templates');

export class EmailTemplates {
  constructor(readonly dir: string = DEFAULT_TEMPLATES_DIR) {}

  private file(templateId: string): string | null {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(templateId)) return null;
    const f = path.join(this.dir, `${templateId}.html`);
    return fs.existsSync(f) ? f : null;
  }

  has(templateId: string): boolean {
    return this.file(templateId) !== null;
  }

  ids(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs.readdirSync(this.dir).filter((f) => f.endsWith('.html')).map((f) => f.slice(0, -5)).sort();
  }

  /** The email body as HTML, or null when the template does not exist. */
  render(templateId: string, variables: Record<string, unknown>): string | null {
    const f = this.file(templateId);
    if (!f) return null;
    const source = fs.readFileSync(f, 'utf8');
    return source.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_m, name: string) =>
      Object.prototype.hasOwnProperty.call(variables, name) ? escapeHtml(variables[name]) : '');
  }
}
