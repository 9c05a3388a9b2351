// Every validation rule, with the exact line a user sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, resolveConfig } from '../../src/config';
import { type Raw, baseConfig, problemsAfter } from './fixtures';

const shop = (raw: Raw): Raw => raw.schemas.shop;
const users = (raw: Raw): Raw => raw.schemas.shop.tables.users;

const cases: [string, (raw: Raw) => void, string[]][] = [
  // top level
  ['unknown top-level key with a suggestion', (r) => (r.thred = 4), ['unknown key "thred" (did you mean "threads"?)']],
  ['unknown key without a close match', (r) => (r.zzzzzz = 1), ['unknown key "zzzzzz"']],
  ['listen shape', (r) => (r.listen = 'localhost'), ['listen: must be "HOST:PORT" or "[IPv6]:PORT" (got "localhost")']],
  ['listen port range', (r) => (r.listen = '127.0.0.1:70000'), ['listen: port must be 0-65535 (got "127.0.0.1:70000")']],
  ['listen as a number', (r) => (r.listen = 3306), ['listen: must be "HOST:PORT" or "[IPv6]:PORT" (got 3306)']],
  ['threads range', (r) => (r.threads = 0), ['threads: must be an integer 1-1024 (got 0)']],
  ['threads type', (r) => (r.threads = 'four'), ['threads: must be an integer 1-1024 (got "four")']],
  ['bufferPoolMB minimum', (r) => (r.bufferPoolMB = 8), ['bufferPoolMB: must be an integer 16-1048576 (got 8)']],
  [
    'maxQueryMemoryMB above bufferPoolMB',
    (r) => Object.assign(r, { bufferPoolMB: 64, maxQueryMemoryMB: 128 }),
    ['maxQueryMemoryMB: must not exceed bufferPoolMB (128 > 64)'],
  ],
  [
    'logLevel choices with a suggestion',
    (r) => (r.logLevel = 'debgu'),
    ['logLevel: must be one of fatal, error, warn, info, debug, trace (got "debgu") (did you mean "debug"?)'],
  ],
  ['metricsPort range', (r) => (r.metricsPort = -1), ['metricsPort: must be an integer 0-65535 (got -1)']],
  ['nodeId range', (r) => (r.nodeId = 1024), ['nodeId: must be an integer 0-1023 (got 1024)']],
  ['shutdownTimeoutMs type', (r) => (r.shutdownTimeoutMs = 1.5), ['shutdownTimeoutMs: must be an integer 0-3600000 (got 1.5)']],
  ['backendProbeIntervalMs range', (r) => (r.backendProbeIntervalMs = 10), ['backendProbeIntervalMs: must be an integer 50-3600000 (got 10)']],
  ['waitTimeoutSeconds range', (r) => (r.waitTimeoutSeconds = 0), ['waitTimeoutSeconds: must be an integer 1-31536000 (got 0)']],
  ['interactiveTimeoutSeconds type', (r) => (r.interactiveTimeoutSeconds = '1h'), ['interactiveTimeoutSeconds: must be an integer 1-31536000 (got "1h")']],
  ['serverVersion empty', (r) => (r.serverVersion = ''), ['serverVersion: must be a non-empty string (got "")']],
  ['tls needs cert and key', (r) => (r.tls = {}), ['tls.cert: required', 'tls.key: required']],
  // backends
  ['backends missing', (r) => delete r.backends, [
    'backends: required',
    'schemas.legacy.backend: unknown backend "db1" (known: none)',
    'schemas.shop.partitions[0].write: unknown backend "db1" (known: none)',
    'schemas.shop.partitions[0].read[0]: unknown backend "db1r" (known: none)',
    'schemas.shop.partitions[1].write: unknown backend "db2" (known: none)',
  ]],
  ['backends empty', (r) => (r.backends = {}), [
    'backends: must name at least one backend',
    'schemas.legacy.backend: unknown backend "db1" (known: none)',
    'schemas.shop.partitions[0].write: unknown backend "db1" (known: none)',
    'schemas.shop.partitions[0].read[0]: unknown backend "db1r" (known: none)',
    'schemas.shop.partitions[1].write: unknown backend "db2" (known: none)',
  ]],
  ['backend port not a number', (r) => (r.backends.db2.port = 'abc'), ['backends.db2.port: must be an integer 1-65535 (got "abc")']],
  ['backend port 0', (r) => (r.backends.db2.port = 0), ['backends.db2.port: must be an integer 1-65535 (got 0)']],
  ['backend host and user required', (r) => (r.backends.db1 = { password: 'x' }), ['backends.db1.host: required', 'backends.db1.user: required']],
  ['backend unknown key', (r) => (r.backends.db1.prot = 3306), ['backends.db1: unknown key "prot" (did you mean "port"?)']],
  ['backend not a mapping', (r) => (r.backends.db1r = 'db1'), ['backends.db1r: must be a mapping (got "db1")']],
  ['backend name', (r) => (r.backends['db 3'] = { host: 'h', user: 'u' }), ['backends.db 3: backend name must be letters, digits, _ . or - (at most 64) (got "db 3")']],
  ['pool min above max', (r) => (r.backends.db2.pool = { min: 10, max: 5 }), ['backends.db2.pool: min (10) must not exceed max (5)']],
  ['pool max at least 1', (r) => (r.backends.db2.pool = { min: 0, max: 0 }), ['backends.db2.pool.max: must be an integer 1-10000 (got 0)']],
  ['pool timeout', (r) => (r.backends.db2.pool = { idleTimeoutMs: 0 }), ['backends.db2.pool.idleTimeoutMs: must be an integer 1-3600000 (got 0)']],
  ['pool unknown key', (r) => (r.backends.db2.pool = { maxx: 3 }), ['backends.db2.pool: unknown key "maxx" (did you mean "max"?)']],
  // users
  ['users missing', (r) => delete r.users, ['users: required']],
  ['users empty', (r) => (r.users = []), ['users: must list at least one user']],
  ['user name required', (r) => delete r.users[0].user, ['users[0].user: required']],
  ['password and passwordHash', (r) => (r.users[0].passwordHash = '*' + 'A'.repeat(40)), ['users[0]: give password or passwordHash, not both']],
  ['neither password nor passwordHash', (r) => delete r.users[0].password, ['users[0]: give password or passwordHash']],
  [
    'passwordHash format',
    (r) => (r.users[0] = { user: 'a', passwordHash: '6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9', schemas: ['*'] }),
    ['users[0].passwordHash: must be "*" followed by 40 hex digits, as in mysql.user (got "6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9")'],
  ],
  ['unknown schema for a user', (r) => r.users[0].schemas.push('shpo'), ['users[0].schemas[2]: unknown schema "shpo" (known: legacy, shop)']],
  ['user schemas required', (r) => delete r.users[0].schemas, ['users[0].schemas: required']],
  ['user schemas empty', (r) => (r.users[0].schemas = []), ['users[0].schemas: must list at least one schema (or "*" for all)']],
  ['duplicate user', (r) => r.users.push({ user: 'app', password: '', schemas: ['*'] }), ['users[1].user: duplicate user "app" (also users[0])']],
  ['requireTls without tls', (r) => (r.users[0].requireTls = true), ['users[0].requireTls: needs a tls section (cert and key) to accept TLS']],
  ['requireTls type', (r) => (r.users[0].requireTls = 'yes'), ['users[0].requireTls: must be true or false (got "yes")']],
  ['unknown privilege', (r) => (r.users[0].privileges = ['read', 'super']), ['users[0].privileges[1]: must be one of read, write, ddl, admin (got "super")']],
  ['privileges not a list', (r) => (r.users[0].privileges = 'read'), ['users[0].privileges: must be a list (got "read")']],
  ['backendUser without password', (r) => (r.users[0].backendUser = 'shop_ro'), ['users[0].backendPassword: is needed with backendUser (the backend account\'s password)']],
  ['backendPassword without user', (r) => (r.users[0].backendPassword = 'x'), ['users[0].backendUser: is needed with backendPassword (the backend account to log in as)']],
  ['backendUser type', (r) => Object.assign(r.users[0], { backendUser: 7, backendPassword: 'x' }), ['users[0].backendUser: must be a non-empty string (got 7)']],
  // schemas
  ['schemas missing', (r) => delete r.schemas, ['schemas: required', 'users[0].schemas[0]: unknown schema "shop" (known: none)', 'users[0].schemas[1]: unknown schema "legacy" (known: none)']],
  ['schema name', (r) => (r.schemas['my-db'] = { backend: 'db1', database: 'x' }), ['schemas.my-db: schema name must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "my-db")']],
  ['schema with backend and partitions', (r) => (r.schemas.legacy.partitions = []), ['schemas.legacy: give backend (forwarding) or partitions (sharded), not both']],
  ['schema with neither', (r) => (r.schemas.legacy = { database: 'x' }), ['schemas.legacy: give backend (forwarding) or partitions (sharded)']],
  ['forward schema with sharded keys', (r) => (r.schemas.legacy.tables = {}), ['schemas.legacy.tables: only for sharded schemas (with partitions), not with backend']],
  ['forward to unknown backend', (r) => (r.schemas.legacy.backend = 'db9'), ['schemas.legacy.backend: unknown backend "db9" (known: db1, db1r, db2)']],
  ['forward database identifier', (r) => (r.schemas.legacy.database = 'legacy-db'), ['schemas.legacy.database: must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "legacy-db")']],
  // partitions
  ['partitions empty', (r) => (shop(r).partitions = []), ['schemas.shop.partitions: must list at least one partition']],
  ['partitions not a list', (r) => (shop(r).partitions = { write: 'db1' }), ['schemas.shop.partitions: must be a list (got a mapping)']],
  ['partition write unknown', (r) => (shop(r).partitions[1].write = 'db9'), ['schemas.shop.partitions[1].write: unknown backend "db9" (known: db1, db1r, db2)']],
  ['partition write required', (r) => delete shop(r).partitions[1].write, ['schemas.shop.partitions[1].write: required']],
  ['partition read unknown', (r) => (shop(r).partitions[0].read = ['db1r', { backend: 'db7', weight: 2 }]), ['schemas.shop.partitions[0].read[1].backend: unknown backend "db7" (known: db1, db1r, db2)']],
  ['partition read weight', (r) => (shop(r).partitions[0].read = [{ backend: 'db1r', weight: 0 }]), ['schemas.shop.partitions[0].read[0].weight: must be an integer 1-1000 (got 0)']],
  ['partition read not a list', (r) => (shop(r).partitions[0].read = 'db1r'), ['schemas.shop.partitions[0].read: must be a list (got "db1r")']],
  ['partition read item type', (r) => (shop(r).partitions[0].read = [7]), ['schemas.shop.partitions[0].read[0]: must be a backend name (got 7)']],
  ['partition database required', (r) => delete shop(r).partitions[0].database, ['schemas.shop.partitions[0].database: required']],
  ['partition database identifier', (r) => (shop(r).partitions[0].database = 'shop 0'), ['schemas.shop.partitions[0].database: must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "shop 0")']],
  ['partition database only digits', (r) => (shop(r).partitions[0].database = '123'), ['schemas.shop.partitions[0].database: must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "123")']],
  ['same database twice on one backend', (r) => shop(r).partitions.push({ write: 'db1', database: 'shop_0' }), ['schemas.shop.partitions[2].database: "shop_0" on db1 is also partitions[0]\'s database']],
  ['partition unknown key', (r) => (shop(r).partitions[0].reads = []), ['schemas.shop.partitions[0]: unknown key "reads" (did you mean "read"?)']],
  ['defaultPartition in range', (r) => (shop(r).defaultPartition = 2), ['schemas.shop.defaultPartition: must be an integer 0-1 (got 2)']],
  ['readYourWritesMs range', (r) => (shop(r).readYourWritesMs = -5), ['schemas.shop.readYourWritesMs: must be an integer 0-3600000 (got -5)']],
  ['maxReplicaLagSeconds type', (r) => (shop(r).maxReplicaLagSeconds = '5s'), ['schemas.shop.maxReplicaLagSeconds: must be an integer 0-86400 (got "5s")']],
  ['maxLimitRows minimum', (r) => (shop(r).maxLimitRows = 0), ['schemas.shop.maxLimitRows: must be an integer 1-1000000000 (got 0)']],
  // table rules
  ['shardKey required', (r) => delete users(r).shardKey, ['schemas.shop.tables.users.shardKey: required']],
  ['algorithm required', (r) => delete users(r).algorithm, ['schemas.shop.tables.users.algorithm: required']],
  ['algorithm choices', (r) => (users(r).algorithm = 'modulo'), ['schemas.shop.tables.users.algorithm: must be one of mod, hash, range, date, list (got "modulo")']],
  ['shardKey identifier', (r) => (users(r).shardKey = 'u.id'), ['schemas.shop.tables.users.shardKey: must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "u.id")']],
  ['table name identifier', (r) => (shop(r).tables['order items'] = { broadcast: true }), ['schemas.shop.tables.order items: must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "order items")']],
  ['table unknown key', (r) => (users(r).sharKey = 'x'), ['schemas.shop.tables.users: unknown key "sharKey" (did you mean "shardKey"?)']],
  ['broadcast excludes shardKey', (r) => (shop(r).tables.items.shardKey = 'id'), ['schemas.shop.tables.items.shardKey: not allowed on a broadcast table']],
  ['broadcast excludes tablesPerPartition', (r) => (shop(r).tables.items.tablesPerPartition = 2), ['schemas.shop.tables.items.tablesPerPartition: not allowed on a broadcast table']],
  ['broadcast type', (r) => (shop(r).tables.items.broadcast = 'yes'), ['schemas.shop.tables.items.broadcast: must be true or false (got "yes")', 'schemas.shop.tables.items.shardKey: required', 'schemas.shop.tables.items.algorithm: required']],
  ['tablesPerPartition at least 1', (r) => (users(r).tablesPerPartition = 0), ['schemas.shop.tables.users.tablesPerPartition: must be an integer 1-1024 (got 0)']],
  ['tablesPerPartition integer', (r) => (users(r).tablesPerPartition = 2.5), ['schemas.shop.tables.users.tablesPerPartition: must be an integer 1-1024 (got 2.5)']],
  ['physical name length', (r) => (shop(r).tables['t'.repeat(63)] = { shardKey: 'k', algorithm: 'hash', tablesPerPartition: 4 }), [`schemas.shop.tables.${'t'.repeat(63)}: physical table names (${'t'.repeat(63)}_N) would exceed 64 characters`]],
  ['ranges only with range', (r) => (users(r).ranges = []), ['schemas.shop.tables.users.ranges: only with algorithm: range']],
  ['values only with list', (r) => (users(r).values = {}), ['schemas.shop.tables.users.values: only with algorithm: list']],
  ['dateUnit only with date', (r) => (users(r).dateUnit = 'day'), ['schemas.shop.tables.users.dateUnit: only with algorithm: date']],
  ['range needs ranges', (r) => (users(r).algorithm = 'range'), ['schemas.shop.tables.users.ranges: required']],
  ['range with an empty list', (r) => Object.assign(users(r), { algorithm: 'range', ranges: [] }), ['schemas.shop.tables.users.ranges: must list at least one range']],
  [
    'range bounds ascend',
    (r) => Object.assign(users(r), { algorithm: 'range', ranges: [{ lt: 1000, partition: 0 }, { lt: 1000, partition: 1 }] }),
    ['schemas.shop.tables.users.ranges[1].lt: must be greater than ranges[0].lt (1000): bounds ascend'],
  ],
  [
    'range partition in range',
    (r) => Object.assign(users(r), { algorithm: 'range', ranges: [{ lt: 10, partition: 0 }, { lt: 20, partition: 2 }] }),
    ['schemas.shop.tables.users.ranges[1].partition: must be a partition index 0-1 (2 partitions) (got 2)'],
  ],
  [
    'range partition counts physical tables',
    (r) => Object.assign(users(r), { algorithm: 'range', tablesPerPartition: 2, ranges: [{ lt: 10, partition: 3 }, { lt: 20, partition: 4 }] }),
    ['schemas.shop.tables.users.ranges[1].partition: must be a partition index 0-3 (2 partitions x 2 tables) (got 4)'],
  ],
  [
    'range bound required and numeric',
    (r) => Object.assign(users(r), { algorithm: 'range', ranges: [{ partition: 0 }, { lt: 'x', partition: 1 }] }),
    ['schemas.shop.tables.users.ranges[0].lt: required', 'schemas.shop.tables.users.ranges[1].lt: must be a number (got "x")'],
  ],
  ['list needs values', (r) => (users(r).algorithm = 'list'), ['schemas.shop.tables.users.values: required']],
  ['list values empty', (r) => Object.assign(users(r), { algorithm: 'list', values: {} }), ['schemas.shop.tables.users.values: must map at least one value']],
  [
    'list values map to partitions',
    (r) => Object.assign(users(r), { algorithm: 'list', values: { cn: 0, us: 5, de: 'one' } }),
    ['schemas.shop.tables.users.values.us: must be a partition index 0-1 (2 partitions) (got 5)', 'schemas.shop.tables.users.values.de: must be an integer 0-1 (got "one")'],
  ],
  ['date needs dateUnit', (r) => (users(r).algorithm = 'date'), ['schemas.shop.tables.users.dateUnit: required']],
  ['dateUnit choices', (r) => Object.assign(users(r), { algorithm: 'date', dateUnit: 'week' }), ['schemas.shop.tables.users.dateUnit: must be one of day, month, year (got "week")']],
  ['keyGenerator column required', (r) => (users(r).keyGenerator = { type: 'snowflake' }), ['schemas.shop.tables.users.keyGenerator.column: required']],
  ['keyGenerator column identifier', (r) => (users(r).keyGenerator = { column: 'a b' }), ['schemas.shop.tables.users.keyGenerator.column: must be a plain identifier (letters, digits, _ or $, not only digits, at most 64 characters) (got "a b")']],
  ['keyGenerator type', (r) => (users(r).keyGenerator = { column: 'id', type: 'uuid' }), ['schemas.shop.tables.users.keyGenerator.type: must be one of snowflake (got "uuid")']],
  ['keyGenerator shape', (r) => (users(r).keyGenerator = 'snowflake'), ['schemas.shop.tables.users.keyGenerator: must be a mapping (got "snowflake")']],
  [
    'binding group algorithm',
    (r) => {
      users(r).bindingGroup = 'u';
      shop(r).tables.orders = { shardKey: 'uid', algorithm: 'hash', bindingGroup: 'u' };
    },
    ['schemas.shop.tables.orders.bindingGroup: "u" members must shard alike: algorithm hash differs from users\'s mod'],
  ],
  [
    'binding group tablesPerPartition',
    (r) => {
      users(r).bindingGroup = 'u';
      shop(r).tables.orders = { shardKey: 'user_id', algorithm: 'mod', bindingGroup: 'u', tablesPerPartition: 4 };
    },
    ['schemas.shop.tables.orders.bindingGroup: "u" members must shard alike: tablesPerPartition 4 differs from users\'s 1'],
  ],
  [
    'binding group range bounds',
    (r) => {
      shop(r).tables.a = { shardKey: 'k', algorithm: 'range', bindingGroup: 'g', ranges: [{ lt: 10, partition: 0 }] };
      shop(r).tables.b = { shardKey: 'k', algorithm: 'range', bindingGroup: 'g', ranges: [{ lt: 20, partition: 0 }] };
    },
    ['schemas.shop.tables.b.bindingGroup: "g" members must shard alike: range parameters [{"lt":20,"partition":0}] differs from a\'s [{"lt":10,"partition":0}]'],
  ],
  ['bindingGroup identifier', (r) => (users(r).bindingGroup = ''), ['schemas.shop.tables.users.bindingGroup: must be a non-empty string (got "")']],
];

for (const [name, edit, expected] of cases) {
  test(`validation: ${name}`, () => {
    assert.deepEqual(problemsAfter(edit), expected);
  });
}

test('validation: the base configuration resolves', () => {
  assert.deepEqual(problemsAfter(() => {}), []);
});

test('validation: every problem is reported at once, one line each', () => {
  const found = problemsAfter((r) => {
    r.thred = 4;
    r.backends.db2.port = 'abc';
    r.schemas.shop.partitions[1].write = 'db9';
    delete r.schemas.shop.tables.users.shardKey;
    r.users[0].passwordHash = '*' + '0'.repeat(40);
  });
  assert.deepEqual(found, [
    'unknown key "thred" (did you mean "threads"?)',
    'backends.db2.port: must be an integer 1-65535 (got "abc")',
    'schemas.shop.partitions[1].write: unknown backend "db9" (known: db1, db1r, db2)',
    'schemas.shop.tables.users.shardKey: required',
    'users[0]: give password or passwordHash, not both',
  ]);
});

test('validation: ConfigError carries the lines and a readable message', () => {
  const raw = baseConfig();
  raw.threads = 0;
  raw.nodeId = -1;
  assert.throws(
    () => resolveConfig(raw, 'conf.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.source, 'conf.yaml');
      assert.deepEqual(err.problems, ['threads: must be an integer 1-1024 (got 0)', 'nodeId: must be an integer 0-1023 (got -1)']);
      assert.equal(
        err.message,
        'conf.yaml: invalid configuration (2 problems):\nthreads: must be an integer 1-1024 (got 0)\nnodeId: must be an integer 0-1023 (got -1)',
      );
      return true;
    },
  );
});

test('validation: a configuration that is not a mapping', () => {
  assert.throws(() => resolveConfig(['a']), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems, ['configuration: must be a mapping (got a list)']);
    return true;
  });
});

test('validation: backendUser and backendPassword become the user\'s backend account', () => {
  const raw = baseConfig();
  Object.assign(raw.users[0], { backendUser: 'shop_ro', backendPassword: '' });
  assert.deepEqual(resolveConfig(raw).users[0].backendAccount, { user: 'shop_ro', password: '' });
});
