// Benchmark of issue 4: this package's InMemoryTaskStore (Rust compiled to wasm) against
// the SDK's own InMemoryTaskStore (TypeScript), on the same workload.
//
//   node --expose-gc bench/run.mjs [--quick] [--sizes=1000,10000] [--reps=3] [--baseline=DIR]
//
// --baseline=DIR compares ours with an earlier build of this package (DIR: its pkg/, e.g.
// from a worktree of an earlier commit) in place of the SDK's store, alternating the two
// in one run, to measure what a change costs.
//
// Prints the tables below and writes everything to bench/results/latest.json.
// - Speed (bench/lib/timing.mjs, one child process per size N): every operation, both
//   stores alternating repetition by repetition, medians. Tasks carry a distinct ~300 B
//   tools/call request and get a distinct ~1 KB text result, ttl 1 hour, 4 sessions.
// - Memory per live task (bench/lib/memory.mjs, one fresh process per store and size).
// - Pending timers, package size, cold start.
// - The native Rust core, from bench/results/native.json (written by
//   `cargo bench --bench core`), set beside our wasm store to show what the binding adds.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { coldStartOnce } from './lib/coldstart.mjs';
import { packageSizes } from './lib/sizes.mjs';
import { labels } from './lib/stores.mjs';
import { bytes, count, duration, median, micros, rate, ratio, table } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const resultsDir = join(here, 'results');

// ---- settings ----
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const settings = {
  mode: quick ? 'quick' : 'full',
  sizes: option('sizes')?.split(',').map(Number) ?? (quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6]),
  // Repetitions per size: fewer at 1M, where one repetition of both stores takes a minute.
  reps: (n) => Number(option('reps') ?? (quick ? 3 : n >= 1e6 ? 3 : 5)),
  opsPerCall: quick ? 30_000 : 100_000,    // calls per repeatable operation
  listCapMs: 2_000,                        // a pagination still running after this is stopped
  coldStartRuns: quick ? 5 : 9,
  childFlags: ['--expose-gc', '--max-old-space-size=8192'],
};
if (!existsSync(join(root, 'pkg', 'package.json'))) {
  console.error('pkg/ is missing: run `make pkg` first');
  process.exit(1);
}
const started = performance.now();
if (option('baseline')) {
  const baselineCopy = join(resultsDir, 'pkg-baseline');
  rmSync(baselineCopy, { recursive: true, force: true });
  cpSync(option('baseline'), baselineCopy, { recursive: true, dereference: true });
  process.env.BENCH_BASELINE_DIR = baselineCopy;
}
const LABELS = labels();
// Measure a copy of pkg/ taken now, so a rebuild during a long run changes nothing; the
// child processes and the cold starts import it through BENCH_PKG_DIR (see lib/stores.mjs).
const pkgCopy = join(resultsDir, 'pkg-under-test');
rmSync(pkgCopy, { recursive: true, force: true });
cpSync(join(root, 'pkg'), pkgCopy, { recursive: true, dereference: true });
process.env.BENCH_PKG_DIR = pkgCopy;
// Sizes first: this also fails fast on a half-built pkg/.
const sizes = packageSizes(root, pkgCopy);
const elapsed = () => duration((performance.now() - started) / 1000);

/** Runs a child script of bench/lib and parses the JSON it prints. */
function child(script, childArgs) {
  const run = spawnSync(process.execPath, [...settings.childFlags, join(here, 'lib', script), ...childArgs.map(String)], {
    cwd: root, env: process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`${script} ${childArgs.join(' ')} exited with ${run.status ?? run.signal}`);
  return JSON.parse(run.stdout);
}

// ---- speed ----
// Operations in report order: key, label, unit of the rate.
const OPERATIONS = [
  ['createTask', 'createTask', 'calls/s'],
  ['getTask', 'getTask', 'calls/s'],
  ['getTaskAfterChange', 'getTask, first read after a change', 'calls/s'],
  ['updateTaskStatus', 'updateTaskStatus', 'calls/s'],
  ['storeTaskResult', 'storeTaskResult', 'calls/s'],
  ['getTaskResult', 'getTaskResult', 'calls/s'],
  ['listTasks', 'listTasks, one session to the end', 'pages/s'],
  ['cleanup', 'cleanup', 'tasks/s'],
];
const PROBES = [
  ['probeAwaitOnly', 'await of a settled Promise (loop floor)'],
  ['probeBareWasmCall', 'bare wasm call (hasPendingTimer getter)'],
  ['probeGetTaskMiss', 'getTask of an unknown id (no Task to return)'],
  ['getTask', 'getTask of an unchanged task'],
  ['getTaskAfterChange', 'getTask, first read after a change'],
];

/** Medians of one store's repetitions: rate per operation; listing also its extrapolation. */
function summarise(runs) {
  const out = {};
  for (const key of Object.keys(runs[0])) {
    out[key] = { perSecond: median(runs.map((r) => r[key].ops / r[key].seconds)), ops: runs[0][key].ops };
  }
  const list = runs[0].listTasks;
  const pages = Math.ceil(list.expected / 10);
  out.listTasks.capped = runs.some((r) => r.listTasks.capped);
  out.listTasks.tasks = list.expected;
  out.listTasks.pages = pages;
  // When stopped early the rate comes from the first pages, which are the cheapest for the
  // SDK's store (each page scans up to its cursor): the full time is at least this.
  out.listTasks.fullSeconds = pages / out.listTasks.perSecond;
  return out;
}

const speed = {};
for (const n of settings.sizes) {
  const reps = settings.reps(n);
  console.error(`[${elapsed()}] speed at N = ${count(n)}: ${reps} repetitions of both stores`);
  const raw = child('timing.mjs', [n, reps, settings.opsPerCall, settings.listCapMs]);
  speed[n] = { reps, opsPerCall: raw.opsPerCall, distinct: raw.distinct, raw: raw.runs,
    ours: summarise(raw.runs.ours), sdk: summarise(raw.runs.sdk) };
}

// ---- memory and timers ----
const memory = {};
for (const n of settings.sizes) {
  console.error(`[${elapsed()}] memory at N = ${count(n)}`);
  memory[n] = { ours: child('memory.mjs', ['ours', n]), sdk: child('memory.mjs', ['sdk', n]) };
}

// ---- cold start ----
console.error(`[${elapsed()}] cold start: ${settings.coldStartRuns} runs of each store`);
const coldRuns = { ours: [], sdk: [] };
for (let i = 0; i < settings.coldStartRuns; i++) {
  for (const name of i % 2 === 0 ? ['ours', 'sdk'] : ['sdk', 'ours']) coldRuns[name].push(coldStartOnce(name, root));
}
const coldStart = Object.fromEntries(Object.entries(coldRuns).map(([name, runs]) => [name, {
  importMs: median(runs.map((r) => r.importMs)),
  firstTaskMs: median(runs.map((r) => r.firstTaskMs)),
  wallMs: median(runs.map((r) => r.wallMs)),
  runs,
}]));

// ---- native core ----
const nativePath = join(resultsDir, 'native.json');
const native = existsSync(nativePath) ? JSON.parse(readFileSync(nativePath, 'utf8')) : null;

// ---- report ----
const report = {};
const out = [];
const say = (text = '') => out.push(text);
say(`mcp-task-store-wasm benchmark (${settings.mode}), Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const wasmFile = sizes.oursNode.files.find((f) => f.path.endsWith('.wasm'));
say(`Measured: a copy of pkg/ taken at the start (${wasmFile.path.split('/').pop()} sha256 ${wasmFile.sha256}…)`);
say('Workload: ttl 1 h, 4 sessions round-robin, a distinct ~300 B tools/call request per task and a');
say('distinct ~1 KB text result per stored result; every call awaited in turn, with the task\'s session.');
say(`Repeatable operations: ${count(settings.opsPerCall)} calls over min(N, ${count(settings.opsPerCall)}) tasks in scattered order; ` +
  'storeTaskResult and the first read after a change: once per such task.');
say(`listTasks pages through one session (N/4 tasks, 10 a page), stopped after ${settings.listCapMs / 1000} s ` +
  "and extrapolated ('<' rate, '>' time: later pages of the SDK's store cost more than the first).");

for (const n of settings.sizes) {
  const { ours, sdk, reps } = speed[n];
  say();
  say(`N = ${count(n)} live tasks, median of ${reps} runs`);
  const rows = OPERATIONS.map(([key, label, unit]) => {
    const o = ours[key];
    const s = sdk[key];
    const bound = (st) => (key === 'listTasks' && st.capped ? '< ' : '');
    const r = o.perSecond / s.perSecond;
    const rBound = key === 'listTasks' && s.capped && !o.capped ? '> ' : '';
    return [`${label} (${unit})`, bound(o) + rate(o.perSecond), bound(s) + rate(s.perSecond), rBound + ratio(r)];
  });
  const lo = ours.listTasks;
  const ls = sdk.listTasks;
  rows.push([`  time to list all ${count(lo.tasks)} tasks of a session`,
    (lo.capped ? '> ' : '') + duration(lo.fullSeconds), (ls.capped ? '> ' : '') + duration(ls.fullSeconds), '']);
  say(table(['operation', LABELS.ours, LABELS.sdk, `ours/${LABELS.short}`], rows));
}

say();
say(`Where a call goes (µs per call, median; ours / ${LABELS.short})`);
say(table(['probe', ...settings.sizes.map((n) => `N = ${count(n)}`)], PROBES.map(([key, label]) => [label,
  ...settings.sizes.map((n) => {
    const o = speed[n].ours[key];
    const s = speed[n].sdk[key];
    return `${o ? micros(o.perSecond) : '-'} / ${s ? micros(s.perSecond) : '-'}`;
  })])));

say();
say('Memory per live task, after full GCs, each store alone in a fresh process (request and result');
say('objects are made per call and dropped by the driver, so what a store keeps of them counts)');
const memRows = [];
for (const n of settings.sizes) {
  for (const state of ['working', 'withResult']) {
    const o = memory[n].ours.perTask[state];
    const s = memory[n].sdk.perTask[state];
    memRows.push([`N = ${count(n)}, ${state === 'working' ? 'working' : 'with a 1 KB result'}`,
      bytes(o.heap), bytes(o.wasm), bytes(o.total), bytes(s.total), ratio(o.total / s.total)]);
  }
}
say(table(['state', 'ours JS heap', 'ours wasm', 'ours total', `${LABELS.short} total`, `ours/${LABELS.short}`], memRows));
say('JS heap: process.memoryUsage().heapUsed growth; wasm: growth of our module\'s linear memory');
say('(WebAssembly.Memory byteLength: a high-water mark in 64 KiB pages, never returned).');

say();
say('Pending timers with N live tasks (ref\'d Timeouts from process.getActiveResourcesInfo(); ours is unref\'d)');
say(table(['N', 'ours: ref\'d Timeouts', 'ours: hasPendingTimer', `${LABELS.short}: ref'd Timeouts`], settings.sizes.map((n) => [
  count(n), String(memory[n].ours.timers.refTimeouts), String(memory[n].ours.timers.hasPendingTimer),
  count(memory[n].sdk.timers.refTimeouts)])));

say();
say('Package size (what a Node import loads)');
const sizeRow = (label, part) => [label, bytes(part.raw), bytes(part.gzip), bytes(part.brotli)];
say(table(['files', 'raw', 'gzip -9', 'brotli'], [
  sizeRow('ours, Node: .wasm', sizes.oursNode.wasm),
  sizeRow('ours, Node: JS (entry + glue)', sizes.oursNode.js),
  sizeRow('ours, Node: total', sizes.oursNode.total),
  sizeRow('ours, browser: total', sizes.oursBrowser.total),
  sizeRow(`${LABELS.short}: ${sizes.sdk.files.length} files`, sizes.sdk.total),
]));

say();
say(`Cold start: fresh node process, import + new store + first createTask, median of ${settings.coldStartRuns}`);
say(table(['store', 'import (ms)', 'import to first task (ms)', 'spawn to exit (ms)'], ['ours', 'sdk'].map((name) => [
  LABELS[name], coldStart[name].importMs.toFixed(1), coldStart[name].firstTaskMs.toFixed(1),
  coldStart[name].wallMs.toFixed(1)])));

say();
const snapshotN = quick ? 20_000 : 100_000;
const snap = child('snapshot.mjs', [snapshotN]);
say(`Snapshot and restore (ours only; the SDK's store has none): ${count(snapshotN)} tasks with a ~1 KB result each`);
say(table(['snapshot() (ms)', 'restore() (ms)', 'document size', 'per task'], [[
  snap.snapshotMs.toFixed(0), snap.restoreMs.toFixed(0), bytes(snap.bytes), bytes(snap.perTaskBytes)]]));

const e2e = child('e2e.mjs', [1_000, quick ? 3_000 : 10_000, quick ? 5 : 7]);
report.e2e = e2e;
say();
say(`End to end: tasks/get and tasks/result through a real McpServer and Client (InMemoryTransport), ${count(e2e.tasks)} tasks,`);
say(`${count(e2e.calls)} calls per run, median of ${e2e.reps} runs, the two stores alternating`);
say(table(['request', `${LABELS.ours} (calls/s)`, `${LABELS.sdk} (calls/s)`, `ours/${LABELS.short}`], [
  ['tasks/get', rate(e2e.ours.get), rate(e2e.sdk.get), ratio(e2e.ours.get / e2e.sdk.get)],
  ['tasks/result', rate(e2e.ours.result), rate(e2e.sdk.result), ratio(e2e.ours.result / e2e.sdk.result)],
]));

const redisN = quick ? 2_000 : 10_000;
if (spawnSync('redis-server', ['--version']).status === 0) {
  const redis = child('redis.mjs', [redisN]);
  report.redis = redis;
  say();
  say(`RedisTaskStore on one redis-server on loopback (${redis.server.split(' ').slice(0, 3).join(' ')}), ${count(redisN)} tasks,`);
  say('4 sessions, every call awaited in turn (a rate is one call\'s latency); InMemoryTaskStore on the same workload');
  say(table(['operation (listTasks: per page)', 'in memory', 'Redis, node-redis', 'Redis, ioredis', 'round trips per call'],
    redis.rows.map((r) => [r.op, rate(r.memory), rate(r['node-redis']), rate(r.ioredis), r.roundTrips.toFixed(2)])));
} else {
  say();
  say('RedisTaskStore: skipped (no redis-server; `make setup-redis` installs it).');
}

if (native) {
  say();
  say('Native Rust core (cargo bench --bench core) beside our wasm store: µs per call');
  const nativeRows = [];
  for (const n of Object.keys(native.sizes).map(Number)) {
    for (const [key, label] of OPERATIONS) {
      const nat = native.sizes[n]?.[key];
      const wasm = speed[n]?.ours[key];
      if (!nat) continue;
      const natUs = 1e6 / nat.opsPerSec;
      const wasmUs = wasm ? 1e6 / wasm.perSecond : NaN;
      // The binding's share of a call; not meaningful where the wasm call is the faster
      // one (cleanup: the wasm store may free less eagerly than the native run).
      const added = wasmUs - natUs;
      nativeRows.push([`N = ${count(n)}: ${label}`, rate(nat.opsPerSec), natUs.toFixed(3),
        wasm ? wasmUs.toFixed(3) : '-', wasm ? added.toFixed(3) : '-',
        wasm && added > 0 ? `${((added / wasmUs) * 100).toFixed(0)}%` : '-']);
    }
  }
  say(table(['operation (listTasks: per page)', 'native ops/s', 'native µs', 'wasm µs', 'added µs', 'added share'], nativeRows));
} else {
  say();
  say('Native core: bench/results/native.json not found (run `cargo bench --bench core`).');
}

const totalSeconds = (performance.now() - started) / 1000;
say();
say(`Total time: ${duration(totalSeconds)}`);
console.log(out.join('\n'));

mkdirSync(resultsDir, { recursive: true });
Object.assign(report, {
  generated: new Date().toISOString(),
  snapshot: snap,
  settings: { ...settings, reps: Object.fromEntries(settings.sizes.map((n) => [n, settings.reps(n)])) },
  environment: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem() },
  speed, memory, coldStart, sizes, native, totalSeconds,
  text: out.join('\n'),
});
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.error(`wrote ${join(resultsDir, 'latest.json')}`);
