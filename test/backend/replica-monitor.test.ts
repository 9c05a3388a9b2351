// replicaProblem: the verdict on one SHOW SLAVE STATUS row (the live monitor is exercised against a
// real primary and replica in test/e2e/read-write-split.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replicaProblem, type ReplicaStatusRow } from '../../src/backend/replica-monitor';

const healthy: ReplicaStatusRow = {
  Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: '0', Last_IO_Error: '', Last_SQL_Error: '',
};

describe('replicaProblem', () => {
  it('accepts a running replica within the lag limit, and a server that is no replica', () => {
    assert.equal(replicaProblem(healthy, 5), null);
    assert.equal(replicaProblem({ ...healthy, Seconds_Behind_Master: '5' }, 5), null);
    assert.equal(replicaProblem(null, 5), null);
  });

  it('refuses a replica lagging beyond the limit', () => {
    assert.equal(replicaProblem({ ...healthy, Seconds_Behind_Master: '6' }, 5), '6 s behind its primary (maxReplicaLagSeconds 5)');
  });

  it('refuses broken replication: a stopped thread or an unknown lag', () => {
    assert.equal(replicaProblem({ ...healthy, Slave_SQL_Running: 'No', Seconds_Behind_Master: null }, 5), 'replication SQL thread is No');
    assert.equal(
      replicaProblem({ ...healthy, Slave_IO_Running: 'Connecting', Last_IO_Error: 'error connecting to master' }, 5),
      'replication I/O thread is Connecting: error connecting to master',
    );
    assert.equal(replicaProblem({ ...healthy, Seconds_Behind_Master: null }, 5), 'replication lag is unknown (Seconds_Behind_Master is NULL)');
  });

  it("reads MySQL 8's SHOW REPLICA STATUS names", () => {
    const mysql8: ReplicaStatusRow = { Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Seconds_Behind_Source: '9' };
    assert.equal(replicaProblem(mysql8, 10), null);
    assert.equal(replicaProblem(mysql8, 3), '9 s behind its primary (maxReplicaLagSeconds 3)');
  });
});
