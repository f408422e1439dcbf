// SecretsPort in memory: the named secrets, and an error for any other name (as the Secrets Manager).
import type { SecretsPort } from '../../backend/ports.js';

export class MemorySecrets implements SecretsPort {
  constructor(readonly secrets: Record<string, string> = {}) {}
  async getSecret(name: string) {
    const s = this.secrets[name];
    if (s === undefined) throw new Error(`No secret named ${name}`);
    return s;
  }
}
