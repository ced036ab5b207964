// The npm tarball: exactly the files a user needs, and clean by the two linters users and
// registries run (publint; @arethetypeswrong/cli for the types each resolution mode sees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const pkg = join(root, 'pkg');

test('npm pack holds exactly the loaders, the types, the wasm module and its glue, and the README', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const files = JSON.parse(out)[0].files.map((f) => f.path.replace(/mcp-task-store-wasm-[0-9a-f]+/, '<hash>')).sort();
  assert.deepEqual(files, [
    'README.md',
    'guard.cjs',
    'guard.mjs',
    'index.browser.mjs',
    'index.cjs',
    'index.d.cts',
    'index.d.ts',
    'index.node.mjs',
    'package.json',
    'tasks.cjs',
    'tasks.mjs',
    'wasm/mcp_task_store_wasm.cjs',
    'wasm/mcp_task_store_wasm.mjs',
    'wasm/mcp_task_store_wasm_bg.wasm',
    'wasm/snippets-cjs/<hash>/src/wasm/helpers.cjs',
    'wasm/snippets/<hash>/src/wasm/helpers.js',
  ]);
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
