// RealtimePort over Velo's wix-realtime-backend (the SDK has no backend publish).
import { publish } from 'wix-realtime-backend';
import type { RealtimePort } from '../ports.js';

export const wixRealtime: RealtimePort = {
  publish: (channel, payload) => publish(channel, payload),
};
