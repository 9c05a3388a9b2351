// What the shared metrics count, as small integer indexes (const enums are inlined by tsc, so a hot
// path increment is one array add with a constant index), and the names used by the exposition.

/** Plain counters and gauges, one slot each in every row. */
export const enum Counter {
  /** Client connections a worker took over (main counts nothing here; refusals are separate). */
  ConnectionsOpened,
  /** Client connections a worker saw close. Current connections = opened - closed. */
  ConnectionsClosed,
  /** Connections main answered with ERR 1040 because every worker was at its cap (main's row). */
  ConnectionsRefused,
  QuerySelect,
  QueryInsert,
  QueryUpdate,
  QueryDelete,
  QueryOther,
  RouteSingle,
  RouteMulti,
  RouteBroadcast,
  /** Bytes read from / written to client sockets. */
  BytesIn,
  BytesOut,
  /** Gauge: bytes of slab pool memory held by this thread (add on allocate, subtract on free). */
  SlabBytesInUse,
  /** Times an allocation had to wait for slab memory (backpressure). */
  SlabWaits,
  /** Queries refused because they would exceed their memory share. */
  SlabRefusals,
  /** Times a packet framer stopped reading its socket until the slab pool had room for a split or large packet. */
  FramerStalls,
  /** Gauge: backend prepared statements open on this thread's connections; the sum is what maxBackendPreparedStatements bounds. */
  BackendPreparedStatements,
  /** Gauge: estimated heap bytes of this worker's plan cache (PlanCache.bytes). */
  PlanCacheBytes,
  COUNT,
}

/** Names of Counter members, same order; the exposition and snapshots use them. */
export const COUNTER_NAMES: readonly string[] = [
  'connectionsOpened',
  'connectionsClosed',
  'connectionsRefused',
  'querySelect',
  'queryInsert',
  'queryUpdate',
  'queryDelete',
  'queryOther',
  'routeSingle',
  'routeMulti',
  'routeBroadcast',
  'bytesIn',
  'bytesOut',
  'slabBytesInUse',
  'slabWaits',
  'slabRefusals',
  'framerStalls',
  'backendPreparedStatements',
  'planCacheBytes',
];

/** Statement kinds: `writer.query(kind)` adds one to Counter.QuerySelect + kind. */
export const enum QueryKind {
  Select,
  Insert,
  Update,
  Delete,
  Other,
}
export const QUERY_KIND_NAMES: readonly string[] = ['select', 'insert', 'update', 'delete', 'other'];

/** Route types: `writer.route(route)` adds one to Counter.RouteSingle + route. */
export const enum Route {
  Single,
  Multi,
  Broadcast,
}
export const ROUTE_NAMES: readonly string[] = ['single', 'multi', 'broadcast'];

/** Per-backend counters (backend index = position in MetricsLayout.backends). */
export const enum BackendCounter {
  /** Backend connections opened successfully. */
  Connects,
  /** Backend connection attempts that failed (refused, timeout, auth). */
  ConnectFailures,
  /** Times a statement had to wait for a free pooled connection. */
  PoolWaits,
  /** Gauge: this worker's open connections to the backend (idle or lent to a statement). */
  ConnectionsOpen,
  /** Gauge: of those, the idle ones in the pool. */
  ConnectionsIdle,
  COUNT,
}
export const BACKEND_COUNTER_NAMES: readonly string[] = ['connects', 'connectFailures', 'poolWaits', 'connectionsOpen', 'connectionsIdle'];

/** Latency histograms (microseconds). */
export const enum Histogram {
  /** Client statement latency: first byte of COM_QUERY to the last byte of its response. */
  QueryLatency,
  /** One backend round trip (statement sent to backend until its response is complete). */
  BackendLatency,
  COUNT,
}
export const HISTOGRAM_NAMES: readonly string[] = ['queryLatency', 'backendLatency'];

/**
 * Error numbers with their own counter; every other errno counts as 'other'. Codes from MySQL's
 * include/mysqld_error.h and errmsg.h.
 */
export const TRACKED_ERRNOS: readonly number[] = [
  1040, // ER_CON_COUNT_ERROR: too many connections
  1043, // ER_HANDSHAKE_ERROR
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1046, // ER_NO_DB_ERROR
  1047, // ER_UNKNOWN_COM_ERROR
  1049, // ER_BAD_DB_ERROR
  1053, // ER_SERVER_SHUTDOWN
  1054, // ER_BAD_FIELD_ERROR
  1062, // ER_DUP_ENTRY
  1064, // ER_PARSE_ERROR
  1105, // ER_UNKNOWN_ERROR
  1146, // ER_NO_SUCH_TABLE
  1153, // ER_NET_PACKET_TOO_LARGE
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1235, // ER_NOT_SUPPORTED_YET
  1317, // ER_QUERY_INTERRUPTED
  2003, // CR_CONN_HOST_ERROR: backend unreachable
  2013, // CR_SERVER_LOST: backend connection lost
];
/** Slot of the 'other' error counter: after the tracked ones. */
export const ERRNO_OTHER = TRACKED_ERRNOS.length;

/** errno - ERRNO_BASE -> slot + 1 (0 = not tracked); a table lookup instead of a search per error. */
const ERRNO_BASE = 1000;
const ERRNO_LOOKUP = new Uint8Array(4096);
TRACKED_ERRNOS.forEach((errno, slot) => (ERRNO_LOOKUP[errno - ERRNO_BASE] = slot + 1));

/** The error counter slot for `errno`: its own slot if tracked, else ERRNO_OTHER. */
export function errnoSlot(errno: number): number {
  const i = errno - ERRNO_BASE;
  const s = i >= 0 && i < ERRNO_LOOKUP.length ? ERRNO_LOOKUP[i] : 0;
  return s === 0 ? ERRNO_OTHER : s - 1;
}
