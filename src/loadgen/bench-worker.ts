// Entry of a load-generating worker thread: runs a ThreadDriver on the plan in workerData and
// reports to the main thread, which answers 'ready' with 'go' once every thread is ready.
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadPlan } from './options';
import { ThreadDriver, type ThreadMessage } from './thread-driver';

const port = parentPort!;
const post = (m: ThreadMessage) => port.postMessage(m);
const go = new Promise<void>((resolve) => port.once('message', () => resolve()));

new ThreadDriver(workerData as ThreadPlan, post).run(go).then(
  () => port.close(),
  (err: Error) => {
    post({ type: 'error', message: err.message });
    port.close();
  },
);
