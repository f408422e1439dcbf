// Live site or local Wix? A deployment fact, never a visitor's or a CMS row's say: the local Wix writes
// the secret `LOCAL_WIX_DEPLOYMENT` = `local-wix` into its own secrets file; a live site never has it
// (Secrets Manager needs the owner's rights, and nothing in the package writes secrets). With it,
// plain-http loopback URLs (local push receiver, local sync targets) are accepted; without it they are
// refused. IDs are GUIDs on both.
import { getSecret } from 'wix-secrets-backend';

export const LOCAL_WIX_SECRET = 'LOCAL_WIX_DEPLOYMENT';

export async function isLocalWix(): Promise<boolean> {
  try {
    return (await getSecret(LOCAL_WIX_SECRET)) === 'local-wix';
  } catch {
    return false;
  }
}
