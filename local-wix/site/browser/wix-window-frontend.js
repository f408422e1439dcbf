// Local `wix-window-frontend`: the few properties page code reads.
const width = () => (typeof window !== 'undefined' ? window.innerWidth : 1280);
export const locale = (document.documentElement.lang || navigator.language || 'en-US');
export const formFactor = width() < 750 ? 'Mobile' : width() < 1025 ? 'Tablet' : 'Desktop';
export const viewMode = 'Site';
export const rendering = { env: 'browser', renderCycle: 1 };
export default { locale, formFactor, viewMode, rendering };
