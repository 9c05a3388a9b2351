// "HOST:PORT" and "[IPv6]:PORT" listen addresses.
import type { ListenAddress } from './types';
import { RANGES } from './defaults';
import { show } from './problems';

const LISTEN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]+)$/;

/** Parses a listen address; returns the problem text (without the key) when it is not valid. */
export function parseListen(value: unknown): ListenAddress | string {
  const shape = `must be "HOST:PORT" or "[IPv6]:PORT" (got ${show(value)})`;
  if (typeof value !== 'string') return shape;
  const m = LISTEN.exec(value);
  if (!m) return shape;
  const port = Number(m[3]);
  const { min, max } = RANGES.listenPort;
  if (port < min || port > max) return `port must be ${min}-${max} (got ${show(value)})`;
  return { host: m[1] ?? m[2], port };
}

/** The address as users write it: IPv6 hosts in brackets. */
export function formatListen(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
