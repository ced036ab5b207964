// The npm tarball: exactly the files a user needs (entries, types, licenses), and clean by the
// two linters users and registries run (publint; @arethetypeswrong/cli for the types each
// resolution mode sees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const pkg = join(root, 'pkg');

test('npm pack holds exactly the entries, their types, the wasm module (file and inlined) and its glue, the README and the licenses', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = JSON.parse(out)[0].files.map((f) => f.path.replace(/mcp-task-store-wasm-[0-9a-f]+/, '<hash>')).sort();
  assert.deepEqual(files, [
    'LICENSE-APACHE',
    'LICENSE-MIT',
    'README.md',
    'guard.cjs',
    'guard.mjs',
    'index.browser.mjs',
    'index.cjs',
    'index.d.cts',
    'index.d.ts',
    'index.node.mjs',
    'init.cjs',
    'init.d.cts',
    'init.d.ts',
    'init.mjs',
    'init.node.mjs',
    'inline.d.cts',
    'inline.d.ts',
    'inline.mjs',
    'package.json',
    'persist-browser-stub.cjs',
    'persist-browser.mjs',
    'persist-node.cjs',
    'redis.cjs',
    'redis.d.cts',
    'redis.d.ts',
    'redis.mjs',
    'tasks-extension.cjs',
    'tasks-extension.d.cts',
    'tasks-extension.d.ts',
    'tasks-extension.mjs',
    'tasks.cjs',
    'tasks.mjs',
    'wasm.d.cts',
    'wasm.d.ts',
    'wasm/mcp_task_store_wasm.cjs',
    'wasm/mcp_task_store_wasm.mjs',
    'wasm/mcp_task_store_wasm_bg.base64.mjs',
    'wasm/mcp_task_store_wasm_bg.wasm',
    'wasm/snippets-cjs/<hash>/src/wasm/helpers.cjs',
    'wasm/snippets/<hash>/src/wasm/helpers.js',
    'web.mjs',
  ]);
});

test('package.json names the repository, homepage and issue tracker, and the licenses ship as written at the root', () => {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  assert.deepEqual(manifest.repository, { type: 'git', url: 'git+https://github.com/mcp-task-store-wasm/mcp-task-store-wasm.git' });
  assert.equal(manifest.homepage, 'https://github.com/mcp-task-store-wasm/mcp-task-store-wasm#readme');
  assert.deepEqual(manifest.bugs, { url: 'https://github.com/mcp-task-store-wasm/mcp-task-store-wasm/issues' });
  for (const name of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    assert.equal(readFileSync(join(pkg, name), 'utf8'), readFileSync(join(root, name), 'utf8'));
  }
  assert.match(readFileSync(join(root, 'LICENSE-MIT'), 'utf8'), /^MIT License\n/);
  assert.match(readFileSync(join(root, 'LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
});

test('the inlined copy of the module is the .wasm file, byte for byte', async () => {
  const { base64 } = await import(pathToFileURL(join(pkg, 'wasm', 'mcp_task_store_wasm_bg.base64.mjs')).href);
  assert.ok(Buffer.from(base64, 'base64').equals(readFileSync(join(pkg, 'wasm', 'mcp_task_store_wasm_bg.wasm'))));
});

test('the declarations of every entry compile, and give the types each entry has (tsc: NodeNext, Bundler, and Node types without the DOM lib)', async () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // tsconfig.node-types.json: a Node-only project (lib ES2022, @types/node, no DOM), whose types
  // declare no WebAssembly namespace; @types/node comes with the dev tools (vite, webpack).
  const projects = ['tsconfig.nodenext.json', 'tsconfig.bundler.json'];
  if (existsSync(join(root, 'node_modules', '@types', 'node', 'package.json'))) projects.push('tsconfig.node-types.json');
  await Promise.all(projects.map(async (project) => {
    const config = join(root, 'tests', 'js', 'fixtures', 'types', project);
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, '-p', config], { encoding: 'utf8' }).catch((e) => e);
    assert.equal(stdout, '', `tsc -p ${project}`);
  }));
});

test('publint finds no error or warning in the package', async () => {
  const { messages } = await publint({ pkgDir: pkg, level: 'warning' });
  assert.deepEqual(messages, []);
});

test('@arethetypeswrong/cli finds no problem for node10, node16 (CJS and ESM) and bundlers', () => {
  const attw = join(root, 'node_modules', '.bin', 'attw');
  // Exits non-zero on any problem; its table is printed on failure.
  execFileSync(attw, ['--pack', '.', '--format', 'ascii'], { cwd: pkg, encoding: 'utf8' });
});
