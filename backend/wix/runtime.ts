// Clock and logger for site code: Wix's own time and console (Wix shows console output in Logs).
import type { ClockPort, LoggerPort } from '../ports.js';

export const systemClock: ClockPort = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const consoleLogger: LoggerPort = {
  info: (msg, data) => console.log(`[ticket-flows] ${msg}`, data ?? ''),
  warn: (msg, data) => console.warn(`[ticket-flows] ${msg}`, data ?? ''),
  error: (msg, data) => console.error(`[ticket-flows] ${msg}`, data ?? ''),
};
