// The package outside Node: Deno and Bun (their npm packages, devDependencies, binaries shipped
// in the registry packages @deno/linux-x64-glibc and @oven/bun-linux-x64) run it from the
// repository's node_modules, as they run an installed npm package; and a Cloudflare
// Workers-style module: bundled with wrangler's export conditions (workerd, worker, browser) and
// its .wasm import kept as a module, then run in Node under Workers' rules (a .wasm import is a
// compiled module; compiling from bytes is refused), handing the module to initSync. Each runs
// the common workload (fixtures/toolchains/).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { verify } from './fixtures/toolchains/verify.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/toolchains/', import.meta.url));
const MODULES = path.join(ROOT, 'node_modules');
const PKG = path.join(ROOT, 'node_modules', 'mcp-task-store-wasm');
const exec = promisify(execFile);

let tmp;
test.before(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mcp-task-store-wasm-runtimes-')));
});
test.after(() => tmp && rm(tmp, { recursive: true, force: true }));

/** Runs a command; returns its one JSON line. */
async function runJson(file, args, options = {}) {
  const { stdout } = await exec(file, args, { cwd: ROOT, timeout: 60_000, ...options, env: { ...process.env, ...options.env } });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/**
 * The runtime's binary: where the npm package's postinstall puts it, or still in the platform
 * package when install scripts did not run (the wrappers are then stubs of a few KB).
 */
function binary(candidates) {
  return candidates.map((c) => path.join(MODULES, c)).find((file) => {
    try {
      return statSync(file).size > 1_000_000;
    } catch {
      return false;
    }
  });
}
const DENO = binary(['deno/deno', '@deno/linux-x64-glibc/deno']);
const BUN = binary(['bun/bin/bun.exe', '@oven/bun-linux-x64/bin/bun', '@oven/bun-linux-x64-baseline/bin/bun']);
const missing = (name, file) => !file && `no ${name} binary under node_modules (npm ci installs it from the devDependency ${name})`;

test('Deno runs the package from node_modules: one instance for import, require and /init, and the workload passes', { skip: missing('deno', DENO), timeout: 60_000 }, async () => {
  // No lockfile written, no update check (the network holds only registries), a cache of its own.
  // --allow-read because node_modules/mcp-task-store-wasm links to pkg/, outside node_modules; an
  // installed copy needs no permission (Deno lets npm packages read their own files).
  const out = await runJson(DENO, ['run', '--no-lock', '--allow-read', path.join(FIXTURES, 'runtime.mjs')], {
    env: { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DENO_DIR: path.join(tmp, 'deno-cache'), NO_COLOR: '1' },
  });
  assert.match(out.runtime, /^deno 2\./);
  assert.equal(out.oneInstance, true);
  verify(out.workload, out.runtime);
});

test('Bun runs the package from node_modules: one instance for import, require and /init, and the workload passes', { skip: missing('bun', BUN), timeout: 60_000 }, async () => {
  const out = await runJson(BUN, [path.join(FIXTURES, 'runtime.mjs')], { env: { DO_NOT_TRACK: '1', NO_COLOR: '1' } });
  assert.match(out.runtime, /^bun 1\./);
  assert.equal(out.oneInstance, true);
  verify(out.workload, out.runtime);
});

test('Workers-style: /init and /wasm bundled with wrangler\'s conditions, initSync({ module }) where compiling from bytes is refused', { timeout: 60_000 }, async () => {
  const esbuild = await import('esbuild');
  const out = path.join(tmp, 'worker');
  const result = await esbuild.build({
    entryPoints: { worker: path.join(FIXTURES, 'worker.mjs') }, bundle: true, format: 'esm', platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'], target: 'es2022',
    loader: { '.wasm': 'copy' }, outdir: out, logLevel: 'silent',
  });
  assert.deepEqual(result.warnings.map((w) => w.text), [], 'esbuild warnings');
  const files = (await readdir(out)).sort();
  const wasmFiles = files.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasmFiles.length, 1, `files: ${files}`);
  assert.ok((await readFile(path.join(out, wasmFiles[0]))).equals(await readFile(path.join(PKG, 'wasm', 'mcp_task_store_wasm_bg.wasm'))));
  const js = await readFile(path.join(out, 'worker.js'), 'utf8');
  assert.ok(js.includes(`from "./${wasmFiles[0]}"`), 'the bundle does not import the .wasm as a module');
  assert.ok(!js.includes('mcp_task_store_wasm_bg.base64') && !js.includes('fromBase64'), 'the inlined module was bundled');
  const answer = await runJson(process.execPath, ['--import', path.join(FIXTURES, 'workers-sim.mjs'), path.join(FIXTURES, 'workers-run.mjs'), path.join(out, 'worker.js')], { cwd: out });
  assert.equal(answer.refused, 'Wasm code generation disallowed by embedder', 'the simulation let bytes compile');
  assert.equal(answer.status, 200);
  verify(answer.workload, 'Workers-style');
});
