/**
 * Time in which an admin web method starts work (sync deliveries, retries, counter refreshes): a web
 * method may run ~14 s, so what is in flight when the budget ends still has ~6 s to finish. The
 * method answers `callAgain` and the next call resumes.
 */
export const ACTION_BUDGET_MS = 8_000;
