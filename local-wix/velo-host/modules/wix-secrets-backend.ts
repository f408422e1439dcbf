// Velo `wix-secrets-backend`: secrets from the local secrets file.
import { currentServices } from '../invocation.js';

export async function getSecret(name: string): Promise<string> {
  return currentServices().secrets.get(name);
}
