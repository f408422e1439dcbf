// The local Wix's clock. Tests set or advance it to move sale periods without waiting.
export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }
  /** Jump to an instant; `freeze` stops time there until the next set/advance. */
  set(at: Date, freeze = false) {
    if (freeze) this.frozenAt = at.getTime();
    else { this.frozenAt = null; this.offsetMs = at.getTime() - Date.now(); }
  }
  advance(ms: number) {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
  reset() { this.offsetMs = 0; this.frozenAt = null; }
}
