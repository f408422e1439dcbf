// A LocalWix with the site and CRM modules over a temporary database, for the site tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalWix, type LocalWix, type LocalWixModule } from '../../local-wix/server/app.js';
import { RealtimeHub } from '../../local-wix/server/realtime.js';
import { siteModule, type CheckRealtimePermission } from '../../local-wix/site/site-module.js';
import { createCrmModule } from '../../local-wix/server/crm.js';
import { EmailTemplates } from '../../local-wix/server/emailTemplates.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface LocalSite { wix: LocalWix; hub: RealtimeHub; url: string; dir: string; close(): Promise<void> }

export async function startLocalSite(opts: { checkRealtimePermission?: CheckRealtimePermission; extra?: LocalWixModule[] } = {}): Promise<LocalSite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-site-'));
  const hub = new RealtimeHub();
  const wix = createLocalWix({ dbFile: path.join(dir, 'wix.db') }, [
    siteModule({
      siteDir: path.join(FIXTURES, 'src'),
      hub,
      checkRealtimePermission: opts.checkRealtimePermission,
      pages: [{ path: '/', name: 'Home', layoutFile: path.join(FIXTURES, 'home.html'), title: 'Fixture' }],
    }),
    createCrmModule({ templates: new EmailTemplates(path.join(FIXTURES, 'email-templates')) }),
    ...(opts.extra ?? []),
  ]);
  const url = await wix.listen(0);
  return {
    wix, hub, url, dir,
    async close() { await wix.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}
