// The exactly-once primitive now lives with the repositories (repositories/storedRows.ts).
export { insertOnce } from '../repositories/storedRows.js';
