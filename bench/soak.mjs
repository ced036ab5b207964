#!/usr/bin/env node
// Soak: create, complete and expire many tasks in waves through one store, with the real
// timer, and check what a long-running server relies on:
//   - memory is flat once steady (heap and RSS after the last waves vs after the warm-up),
//   - there is never more than one pending timer,
//   - expiry happens soon after each deadline (lag p50 / p99 / max, from `removed` events),
//   - no accepted result is lost before its deadline (a sample is read back just before),
//   - the process exits by itself once the work is done (nothing keeps it alive).
//
//   node --expose-gc bench/soak.mjs [--tasks 1000000] [--wave 20000] [--json out.json]
//
// Prints one line per wave and a summary; exits 1 if a check fails.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { InMemoryTaskStore } from 'mcp-task-store-wasm';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000000' },
    wave: { type: 'string', default: '20000' },
    json: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.tasks);
const WAVE = Math.min(Number(values.wave), TOTAL);
const REQ = { method: 'tools/call', params: { name: 'soak' } };
const log = (line) => values.quiet || console.log(line);
const gc = globalThis.gc ?? (() => {});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const store = new InMemoryTaskStore({ pageSize: 100 });
// Expiry lag in whole ms: a histogram (not every sample, which would itself grow the heap).
const LAG_MAX = 10_000;
const lagCounts = new Uint32Array(LAG_MAX + 1);
let lagMax = -Infinity;
const failures = [];
let expired = 0;
let resultsRead = 0;
let maxTimers = 0;
store.onStatusChange((event) => {
  if (event.type !== 'removed' || event.reason !== 'expired') return;
  expired += 1;
  const { task } = event;
  const from = task.status === 'working' || task.status === 'input_required' ? task.createdAt : task.lastUpdatedAt;
  const lag = Date.now() - (Date.parse(from) + task.ttl);
  lagCounts[Math.min(LAG_MAX, Math.max(0, lag))] += 1;
  lagMax = Math.max(lagMax, lag);
});

function percentile(p) {
  const want = Math.ceil((p / 100) * expired);
  let seen = 0;
  for (let ms = 0; ms <= LAG_MAX; ms++) {
    seen += lagCounts[ms];
    if (seen >= want && want > 0) return ms;
  }
  return NaN;
}

function memory() {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
}

const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
const samples = [];
const started = performance.now();
let created = 0;
let wave = 0;
while (created < TOTAL) {
  wave += 1;
  const n = Math.min(WAVE, TOTAL - created);
  // Each task is created and at once ended (two thirds with a result, a sixth failed by a
  // status) or left working; ttls from 200 to 500 ms, so deadlines interleave.
  const checks = [];
  for (let i = 0; i < n; i++) {
    const session = i % 3 === 0 ? undefined : `s${i % 7}`;
    const task = await store.createTask({ ttl: 200 + ((i * 7919) % 301) }, i, REQ, session);
    if (i % 6 < 4) {
      const text = `r${wave}.${i}`;
      // The ttl restarts when the result is stored: the result is readable until at least then.
      const readableUntil = Date.now() + task.ttl;
      await store.storeTaskResult(task.taskId, i % 6 === 3 ? 'failed' : 'completed', { content: [{ type: 'text', text }] }, session);
      if (i % 97 === 0) checks.push({ task, session, text, readableUntil });
    } else if (i % 6 === 4) {
      await store.updateTaskStatus(task.taskId, 'failed', 'gave up', session);
    }
    if (i % 1000 === 0) maxTimers = Math.max(maxTimers, store.stats().pendingTimers);
  }
  // Read a sample of results back: each must be there until its deadline.
  let read = 0;
  for (const { task, session, text, readableUntil } of checks) {
    try {
      const result = await store.getTaskResult(task.taskId, session);
      read += 1;
      if (result.content[0].text !== text) failures.push(`wave ${wave}: wrong result for ${task.taskId}`);
    } catch (e) {
      if (Date.now() < readableUntil) failures.push(`wave ${wave}: result of ${task.taskId} lost before its deadline: ${e.message}`);
    }
  }
  resultsRead += read;
  created += n;
  // Wait for the timer to expire the wave (never calling the store meanwhile).
  const waitStart = performance.now();
  while (store.stats().tasks > 0 && performance.now() - waitStart < 5_000) {
    maxTimers = Math.max(maxTimers, store.stats().pendingTimers);
    await sleep(50);
  }
  if (store.stats().tasks > 0) failures.push(`wave ${wave}: ${store.stats().tasks} tasks still held 5 s after their deadlines`);
  const mem = memory();
  samples.push(mem);
  log(`wave ${String(wave).padStart(3)}: ${created} tasks, heap ${mib(mem.heap)}, rss ${mib(mem.rss)}, external ${mib(mem.external)}, timers ${store.stats().pendingTimers}`);
}

const seconds = (performance.now() - started) / 1000;
const settled = samples.slice(Math.min(2, samples.length - 1));
const growth = (key) => settled[settled.length - 1][key] - settled[0][key];
const summary = {
  node: process.version,
  tasks: created,
  waves: wave,
  seconds: Number(seconds.toFixed(1)),
  expired,
  lagMs: { p50: percentile(50), p99: percentile(99), max: lagMax },
  maxPendingTimers: maxTimers,
  heapGrowthMiB: Number((growth('heap') / 1048576).toFixed(2)),
  rssGrowthMiB: Number((growth('rss') / 1048576).toFixed(2)),
  resultsRead,
  finalTimers: store.stats().pendingTimers,
  failures,
};
if (expired !== created) failures.push(`${created} tasks created, ${expired} expiry events`);
if (maxTimers > 1) failures.push(`${maxTimers} timers pending at once`);
// Flat: after the warm-up waves, heap may not grow by more than 8 MiB.
if (settled.length > 2 && growth('heap') > 8 * 1048576) failures.push(`heap grew ${mib(growth('heap'))} after warm-up`);
console.log(`soak: ${created} tasks in ${wave} waves, ${summary.seconds} s; expiry lag p50 ${summary.lagMs.p50} ms, p99 ${summary.lagMs.p99} ms, max ${summary.lagMs.max} ms; heap growth ${summary.heapGrowthMiB} MiB, rss growth ${summary.rssGrowthMiB} MiB; max timers ${maxTimers}`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
if (failures.length > 0) {
  console.error(`soak FAILED:\n  ${failures.slice(0, 20).join('\n  ')}`);
  process.exitCode = 1;
}
// No process.exit(): the process must end by itself (the store's timer is unref'd).
