// Wix Secrets Manager, locally: a JSON file `{ "<name>": "<value>" }` (default `.local-wix/secrets.json`).
// Read on every lookup so edits apply without a restart. Values are never logged.
import fs from 'node:fs';

export class SecretNotFoundError extends Error {
  constructor(readonly secretName: string, file: string) {
    super(`Secret "${secretName}" not found. Add it to ${file} as {"${secretName}": "<value>"} (Wix: Developer Tools > Secrets Manager).`);
    this.name = 'SecretNotFoundError';
  }
}

export class SecretsStore {
  constructor(readonly file: string) {}

  private read(): Record<string, unknown> {
    if (!fs.existsSync(this.file)) return {};
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      return parsed as Record<string, unknown>;
    } catch (err) {
      throw new Error(`Secrets file ${this.file} is not a JSON object of name → value: ${(err as Error).message}`);
    }
  }

  get(name: string): string {
    const v = this.read()[name];
    if (typeof v !== 'string') throw new SecretNotFoundError(name, this.file);
    return v;
  }

  names(): string[] { return Object.keys(this.read()); }
}
