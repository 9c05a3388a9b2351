// Read/write splitting for one partition: which backend serves a statement. Writes, locking reads
// and transactions go to the primary; other reads rotate over the replicas by weight (smooth
// weighted round robin, as nginx does), skipping replicas the worker's health reports unusable
// (marked down in the shared health table after a failed connect, see health/backend-health.ts, or
// out of rotation by backend/replica-monitor.ts), and fall back to the primary when none is usable.
import type { PartitionConfig } from '../config/types';

export interface ReplicaHealth {
  /** False while the backend must not serve reads: unreachable since a failed connect, lagging or not replicating. */
  usable(backend: string): boolean;
}

/** Per-worker rotation state for one partition's replicas. */
export class ReadRotation {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly partition: PartitionConfig) {
    this.current = partition.read.map(() => 0);
    this.total = partition.read.reduce((s, r) => s + r.weight, 0);
  }

  /** The backend for a read: the next usable replica, or the primary. */
  pick(health: ReplicaHealth): string {
    const reads = this.partition.read;
    if (reads.length === 0) return this.partition.write;
    let best = -1;
    let usableTotal = 0;
    for (let i = 0; i < reads.length; i++) {
      if (!health.usable(reads[i].backend)) continue;
      this.current[i] += reads[i].weight;
      usableTotal += reads[i].weight;
      if (best < 0 || this.current[i] > this.current[best]) best = i;
    }
    if (best < 0) return this.partition.write;
    this.current[best] -= usableTotal || this.total;
    return reads[best].backend;
  }
}
