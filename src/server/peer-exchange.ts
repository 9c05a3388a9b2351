// Questions one worker asks all workers about their client sessions (KILL n, SHOW PROCESSLIST):
// main passes each PeerAsk to every ready worker as a PeerQuery, gathers their PeerReplies and sends
// the list back to the asker as PeerAnswers. A session id lives in exactly one worker, and only that
// worker knows the session's user and running statement, so the question goes to all of them
// (threads is small) rather than through a registry that would have to mirror every session's state.
import type { MessagePort } from 'node:worker_threads';
import type { PeerAnswer } from '../kernel/directory';
import type { PeerAnswers, PeerAsk, PeerQuery } from '../worker/messages';

/** A worker that has not answered by then is left out (it is dying or being replaced). */
const ANSWER_TIMEOUT_MS = 10_000;

interface Pending {
  /** The asking worker's port and its ask id. */
  port: MessagePort;
  ask: number;
  waiting: number;
  list: PeerAnswer[];
  timer: NodeJS.Timeout;
}

export class PeerExchange {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `ports()`: the control ports of the workers ready now. */
  constructor(private readonly ports: () => MessagePort[]) {}

  /** A worker's PeerAsk arrived on `from`. */
  ask(from: MessagePort, msg: PeerAsk): void {
    const targets = this.ports();
    const id = this.nextId++;
    const p: Pending = {
      port: from,
      ask: msg.ask,
      waiting: targets.length,
      list: [],
      timer: setTimeout(() => this.finish(id), ANSWER_TIMEOUT_MS),
    };
    p.timer.unref();
    this.pending.set(id, p);
    if (targets.length === 0) return this.finish(id);
    const query: PeerQuery = { query: id, question: msg.question };
    for (const port of targets) port.postMessage(query);
  }

  /** A worker's answer to PeerQuery `id`. */
  reply(id: number, answer: PeerAnswer): void {
    const p = this.pending.get(id);
    if (!p) return; // timed out already
    p.list.push(answer);
    if (--p.waiting === 0) this.finish(id);
  }

  private finish(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    const out: PeerAnswers = { answers: p.ask, list: p.list };
    try {
      p.port.postMessage(out);
    } catch {
      // the asking worker's port closed (it died): nobody waits for this
    }
  }
}
