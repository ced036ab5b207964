// The package inside a Node server bundled into one file, as users ship servers: esbuild
// (--platform=node, ES module and CommonJS output), tsup, rollup (node-resolve + commonjs + json)
// and webpack (target node). Each bundle is written to a directory of its own with nothing else
// in it (no node_modules, no .wasm beside it) and run there by this Node; it must start the SDK's
// server and client, run a tool as a task, and pass the common workload (fixtures/toolchains/).
// The bundler follows index.node.mjs -> index.cjs -> the nodejs glue, whose .wasm read falls back
// to the module inlined in wasm/mcp_task_store_wasm_bg.base64.mjs when no file sits beside it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { verify } from './fixtures/toolchains/verify.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/toolchains/', import.meta.url));
const SERVER = path.join(FIXTURES, 'node-server.mjs');
const PKG = await realpath(path.join(ROOT, 'node_modules', 'mcp-task-store-wasm'));

let tmp;
test.before(async () => {
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mcp-task-store-wasm-node-bundles-')));
});
test.after(() => tmp && rm(tmp, { recursive: true, force: true }));

/** Runs a bundle with this Node from its own directory; returns its JSON line. */
async function run(file) {
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: path.dirname(file), timeout: 30_000 });
  return JSON.parse(stdout);
}

/** The bundle directory holds exactly `names`, and no bundle names the package's files on disk. */
async function checkOutput(dir, names) {
  assert.deepEqual((await readdir(dir)).sort(), [...names].sort(), `${dir} should hold only the bundle`);
  for (const name of names) {
    const text = await readFile(path.join(dir, name), 'utf8');
    assert.ok(!text.includes(PKG) && !text.includes(ROOT), `${name} names a path on this machine`);
  }
}

async function runServer(file, where) {
  const { tool, workload } = await run(file);
  assert.equal(tool[0], 'taskCreated', `${where}: the tool call did not start a task: ${tool}`);
  assert.equal(tool.at(-1), '5', `${where}: the task's result: ${tool}`);
  verify(workload, where);
}

test('installed (not bundled), the glue reads the .wasm file beside it; the inlined copy is only for bundles', async () => {
  const probe = `
    const fs = require('node:fs');
    const readFileSync = fs.readFileSync;
    const reads = [];
    fs.readFileSync = function (file, ...rest) { reads.push(String(file)); return readFileSync.call(this, file, ...rest); };
    const pkg = require('mcp-task-store-wasm');
    new pkg.InMemoryTaskStore().free();
    console.log(JSON.stringify(reads.filter((file) => /[.]wasm$|base64/.test(file))));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { cwd: ROOT });
  assert.deepEqual(JSON.parse(stdout), [path.join(PKG, 'wasm', 'mcp_task_store_wasm_bg.wasm')]);
});

test('esbuild --platform=node: ES module and CommonJS bundles of a server run from an empty directory', async () => {
  const esbuild = await import('esbuild');
  for (const [format, name] of [['esm', 'server.mjs'], ['cjs', 'server.cjs']]) {
    const dir = path.join(tmp, `esbuild-${format}`);
    const result = await esbuild.build({
      entryPoints: [SERVER], bundle: true, platform: 'node', format, target: 'node20',
      outfile: path.join(dir, name), logLevel: 'silent',
    });
    assert.deepEqual(result.warnings.map((w) => w.text), [], `esbuild ${format} warnings`);
    await checkOutput(dir, [name]);
    await runServer(path.join(dir, name), `esbuild ${format}`);
  }
});

test('tsup (esbuild underneath): ES module and CommonJS bundles of a server run from an empty directory', async () => {
  const { build } = await import('tsup');
  const dir = path.join(tmp, 'tsup');
  await build({
    entry: { server: SERVER }, format: ['esm', 'cjs'], platform: 'node', target: 'node20', outDir: dir,
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),
    config: false, silent: true, splitting: false, dts: false, sourcemap: false, clean: true,
  });
  await checkOutput(dir, ['server.cjs', 'server.mjs']);
  await runServer(path.join(dir, 'server.mjs'), 'tsup esm');
  await runServer(path.join(dir, 'server.cjs'), 'tsup cjs');
});

test('rollup (node-resolve with the node condition, commonjs, json): ES module and CommonJS bundles of a server run', async () => {
  const { rollup } = await import('rollup');
  const { default: nodeResolve } = await import('@rollup/plugin-node-resolve');
  const { default: commonjs } = await import('@rollup/plugin-commonjs');
  const { default: json } = await import('@rollup/plugin-json');
  const warnings = [];
  const bundle = await rollup({
    input: SERVER,
    plugins: [nodeResolve({ exportConditions: ['node'], preferBuiltins: true }), commonjs(), json()],
    onwarn: (w) => warnings.push(w),
  });
  const dir = path.join(tmp, 'rollup');
  await bundle.write({ file: path.join(dir, 'server.mjs'), format: 'es' });
  await bundle.write({ file: path.join(dir, 'server.cjs'), format: 'cjs' });
  await bundle.close();
  // The SDK's dependencies warn (circular imports, annotations); nothing of this package may.
  const ours = warnings.filter((w) => [w.id, w.message, ...(w.ids ?? [])].some((s) => s?.includes(PKG)));
  assert.deepEqual(ours.map((w) => w.message), [], 'rollup warned about the package');
  await checkOutput(dir, ['server.cjs', 'server.mjs']);
  await runServer(path.join(dir, 'server.mjs'), 'rollup es');
  await runServer(path.join(dir, 'server.cjs'), 'rollup cjs');
});

test("rollup with its default export conditions (no `node`) takes the `import` entry, which inlines the module and runs in Node too", async () => {
  const { rollup } = await import('rollup');
  const { default: nodeResolve } = await import('@rollup/plugin-node-resolve');
  const { default: commonjs } = await import('@rollup/plugin-commonjs');
  const bundle = await rollup({ input: path.join(FIXTURES, 'node-store.mjs'), plugins: [nodeResolve(), commonjs()], onwarn: () => {} });
  const dir = path.join(tmp, 'rollup-default');
  const { output } = await bundle.write({ file: path.join(dir, 'store.mjs'), format: 'es' });
  await bundle.write({ file: path.join(dir, 'store.cjs'), format: 'cjs' });
  await bundle.close();
  assert.ok(Object.keys(output[0].modules).includes(path.join(PKG, 'inline.mjs')), 'inline.mjs was not the entry taken');
  await checkOutput(dir, ['store.cjs', 'store.mjs']);
  verify((await run(path.join(dir, 'store.mjs'))).workload, 'rollup default conditions, es');
  verify((await run(path.join(dir, 'store.cjs'))).workload, 'rollup default conditions, cjs');
});

test('webpack 5, target node: a CommonJS bundle of a server runs from an empty directory', async () => {
  const { default: webpack } = await import('webpack');
  const dir = path.join(tmp, 'webpack');
  const stats = await new Promise((resolve, reject) => {
    webpack({
      mode: 'production', target: 'node20', context: FIXTURES, entry: './node-server.mjs',
      output: { path: dir, filename: 'server.cjs' },
      optimization: { minimize: false }, performance: { hints: false }, infrastructureLogging: { level: 'none' },
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
  assert.deepEqual([...errors, ...warnings].map((e) => e.message), [], 'webpack errors and warnings');
  await checkOutput(dir, ['server.cjs']);
  await runServer(path.join(dir, 'server.cjs'), 'webpack');
});
