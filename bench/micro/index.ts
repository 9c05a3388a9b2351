// npm run bench:micro [-- FILTER]: the micro benchmarks, one table per group. FILTER keeps groups
// whose name contains it (e.g. "framing"). Numbers are for reading, never asserted.
import { runGroups } from './harness';
import { wireGroups } from './wire';
import { packetGroups } from './packets';
import { routingGroups } from './routing';

async function main(): Promise<void> {
  const filter = process.argv[2]?.toLowerCase();
  const groups = [...wireGroups(), ...packetGroups(), ...routingGroups()].filter((g) => !filter || g.name.toLowerCase().includes(filter));
  process.stdout.write(`node ${process.version}, ${groups.length} groups (tinybench, 400 ms per task)\n`);
  await runGroups(groups);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
