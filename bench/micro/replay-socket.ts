// A backend socket stand-in for replaying captured or built streams through a BackendConnection
// (bench/replay-merge.ts, test/backend): the driver emits the chunks as 'data'; writes (the query)
// are dropped; pause/resume only record the state, which the driver honours.
import { EventEmitter } from 'node:events';

export class ReplaySocket extends EventEmitter {
  private paused = false;
  write(): boolean {
    return true;
  }
  setNoDelay(): void {}
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  isPaused(): boolean {
    return this.paused;
  }
  destroy(): void {}
}
