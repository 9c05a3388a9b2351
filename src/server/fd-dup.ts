// The one native call of sluice: duplicate a socket fd so that a worker thread can own a copy
// while main closes its own handle (see README "Threads": posting the original fd while main's
// handle owns it aborts inside libuv or cross-wires replies).
//
// fcntl(fd, F_DUPFD_CLOEXEC, 3): the lowest free fd >= 3, close-on-exec, sharing the same open
// socket (so socket options main set, such as TCP_NODELAY, carry over). Called through koffi
// (prebuilt FFI, no compiler). Declared with a fixed third int argument: on the x86-64 and AArch64
// Linux ABIs a variadic int is passed exactly like a fixed one, and the fixed prototype avoids
// koffi's per-call variadic type parsing (~0.4 us a call here).
import koffi from 'koffi';

/** Linux <fcntl.h>: F_DUPFD_CLOEXEC = F_LINUX_SPECIFIC_BASE (1024) + 6. */
const F_DUPFD_CLOEXEC = 1030;
/** Lowest fd number the duplicate may take (keep clear of stdio). */
const MIN_FD = 3;

let fcntl: ((fd: number, cmd: number, arg: number) => number) | undefined;

/** Load libc once (on first use). */
function loadFcntl(): (fd: number, cmd: number, arg: number) => number {
  if (process.platform !== 'linux') {
    throw new Error(`sluice hands connections to worker threads with Linux fcntl(); ${process.platform} is not supported`);
  }
  const libc = koffi.load('libc.so.6');
  return libc.func('int fcntl(int fd, int cmd, int arg)') as (fd: number, cmd: number, arg: number) => number;
}

/** A close-on-exec duplicate of `fd`, or -1 when the system refuses (EMFILE and the like). */
export function dupFd(fd: number): number {
  fcntl ??= loadFcntl();
  return fcntl(fd, F_DUPFD_CLOEXEC, MIN_FD);
}

/**
 * The fd of an accepted net.Socket. Node has no public accessor: `socket._handle.fd` (the TCP
 * handle's getter in libuv's stream wrap, present on every Node release 20, 22, 24 on Unix; no
 * `process.binding`). -1 if the socket has no handle (already closed).
 */
export function socketFd(socket: object): number {
  const handle = (socket as { _handle?: { fd?: number } | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}
