// A client connection switching to TLS after its SSLRequest: the rest of the connection runs over a
// TLSSocket layered on the raw socket, and the session's framer goes on with the plaintext.
import type * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { onChunks } from '../memory/read-buffers';

/**
 * Layers TLS over `raw` and returns the TLS socket, whose plaintext goes to onData. The client may
 * send its ClientHello in the same chunk as the SSLRequest: the framer stops there, and
 * `takeLeftover` (called once, after the framer's push() returns) hands over the bytes after it,
 * which go to the TLS layer first, through a small duplex over the socket.
 */
export function upgradeToTls(raw: net.Socket, context: tls.SecureContext, onData: (chunk: Buffer) => void, takeLeftover: () => Buffer | null, log: Logger): tls.TLSSocket {
  onChunks(raw, null, onData);
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) { raw.write(chunk, cb); },
    final(cb) { raw.end(); cb(); },
  });
  // After the framer's push() returns (leftover is known then), before any further socket event.
  queueMicrotask(() => {
    const rest = takeLeftover();
    if (rest && rest.length > 0) wire.push(rest);
    onChunks(raw, (d: Buffer) => wire.push(d));
    raw.on('end', () => wire.push(null));
  });
  const secure = new tls.TLSSocket(wire, { isServer: true, secureContext: context });
  secure.on('data', onData);
  secure.on('error', (e) => {
    log.info({ err: e.message }, 'TLS handshake or stream failed');
    raw.destroy();
  });
  return secure;
}
