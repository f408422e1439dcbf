// Local `@wix/dashboard` for site dashboard pages: the SDK's `dashboard` host module, backed by the
// same local dashboard as `wix-dashboard` (toasts drawn on the page; dashboard pages only).
import { navigate, onBeforeUnload, setPageTitle, showToast } from './wix-dashboard.js';

export const dashboard = { showToast, navigate, setPageTitle, onBeforeUnload };
export default { dashboard };
