// Sale alerts, the index the Velo entry points and tests import: opt-in (double) and opt-out
// (alertsSignup.ts, alertsConfirm.ts, alertsUnsubscribe.ts), the sale-started and definition-changed
// triggers (alertsTrigger.ts, the prompt path) and the sweep every 5 minutes (alertsSweep.ts, the guarantee).
// Both sending paths go through `alertSubscribers` (alertsSend.ts), whose delivery log makes every
// (subscriber, definition, channel) alert go out at most once.
export type { AlertsDeps } from './alertsDeps.js';
export { subscribe } from './alertsSignup.js';
export type { SubscribeResult } from './alertsSignup.js';
export { checkConfirmLink, confirmSubscription } from './alertsConfirm.js';
export type { ConfirmResult } from './alertsConfirm.js';
export { checkUnsubscribeLink, unsubscribe } from './alertsUnsubscribe.js';
export type { UnsubscribeResult } from './alertsUnsubscribe.js';
export { onDefinitionChanged, onSaleStarted } from './alertsTrigger.js';
export { sweep } from './alertsSweep.js';
export type { SweepResult } from './alertsSweep.js';
