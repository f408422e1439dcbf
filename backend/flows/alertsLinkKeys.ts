// The keys that sign confirmation and unsubscribe links, read from Wix Secrets.
import { linkKeyRing, type LinkKeyRing } from '../core/alerts/linkKeys.js';
import type { AlertsDeps } from './alertsDeps.js';

/** The current link key and, during a rotation, the previous one (`<name>_PREVIOUS`, see linkKeys.ts). */
export async function linkKeys(deps: AlertsDeps): Promise<LinkKeyRing> {
  const name = deps.config.unsubscribeSecretName;
  const current = await deps.secrets.getSecret(name);
  let previous: string | null = null;
  try { previous = await deps.secrets.getSecret(`${name}_PREVIOUS`); } catch { previous = null; }
  try {
    return linkKeyRing(current, previous);
  } catch (e) {
    // A malformed previous key must not break current links.
    deps.logger?.warn('Ignoring the previous link key', { error: String(e) });
    return linkKeyRing(current, null);
  }
}
