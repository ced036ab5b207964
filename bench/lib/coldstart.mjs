// Cold start: a fresh Node process imports a store and completes its first createTask.
//
// Two figures per run: measured inside the child, the time from just before the import to
// the first task (module loading, for ours also wasm compilation and instantiation, then
// one call); and measured by the parent, spawn to exit (adds Node's own start-up, the
// same for both stores).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { otherSpecifier, ourSpecifier } from './stores.mjs';

/** The child's script: import, construct, first createTask, report, exit. */
const script = (specifier) => `
const t0 = performance.now();
const { InMemoryTaskStore } = await import(${JSON.stringify(specifier)});
const t1 = performance.now();
const store = new InMemoryTaskStore();
await store.createTask({ ttl: 3600000 }, 1,
  { method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'q' } } },
  'session-0');
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstTaskMs: t2 - t0, sinceStartMs: t2 }));
store.cleanup();
process.exit(0);
`;

/** One cold start of store `name` (`ours` or `sdk`), run with `cwd` as the project root. */
export function coldStartOnce(name, cwd) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script(name === 'ours' ? ourSpecifier() : otherSpecifier())], {
    cwd, encoding: 'utf8',
  });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`cold start of ${name} failed: ${child.stderr}`);
  return { ...JSON.parse(child.stdout), wallMs };
}
