// Snapshot and restore of N tasks, each completed with a ~1 KB result (the SDK's store has
// no snapshot: ours only). Prints JSON: { n, snapshotMs, restoreMs, bytes, perTaskBytes }.
//
//   node bench/lib/snapshot.mjs <N>
import { ourSpecifier } from './stores.mjs';

const n = Number(process.argv[2]);
const { InMemoryTaskStore } = await import(ourSpecifier());
const store = new InMemoryTaskStore({ maxTasksPerSession: Infinity });
const text = 'x'.repeat(1000);
for (let i = 0; i < n; i++) {
  const session = `s${i % 4}`;
  const task = await store.createTask({ ttl: 3_600_000 }, i, { method: 'tools/call' }, session);
  await store.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text }] }, session);
}
let t0 = performance.now();
const snapshot = store.snapshot();
const snapshotMs = performance.now() - t0;
t0 = performance.now();
const restored = InMemoryTaskStore.restore(snapshot);
const restoreMs = performance.now() - t0;
if (restored.size !== n) throw new Error(`restored ${restored.size} of ${n} tasks`);
const bytes = Buffer.byteLength(snapshot);
console.log(JSON.stringify({ n, snapshotMs, restoreMs, bytes, perTaskBytes: bytes / n }));
