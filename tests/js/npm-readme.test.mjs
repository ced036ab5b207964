// The README shipped on npm (pkg-template/README.md): its TypeScript quick start is
// examples/quickstart.ts, compiles with `tsc --strict` as written and runs; every ```js block
// runs as a program. (Its ```sh block is the install line.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** Every fenced block of `lang` in `markdown`, in order. */
function blocks(markdown, lang) {
  const out = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== `\`\`\`${lang}`) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    assert.ok(end > i, `unterminated ${lang} block at line ${i + 1}`);
    out.push(`${lines.slice(i + 1, end).join('\n')}\n`);
    i = end;
  }
  return out;
}

const readme = await readFile(join(ROOT, 'pkg-template', 'README.md'), 'utf8');

test('npm README: the TypeScript quick start is examples/quickstart.ts, passes tsc --strict and runs', { timeout: 120_000 }, async (t) => {
  const [ts, ...more] = blocks(readme, 'ts');
  assert.equal(more.length, 0, 'one TypeScript block');
  assert.equal(ts, await readFile(join(ROOT, 'examples', 'quickstart.ts'), 'utf8'));
  // Compiled inside the repository, so the package, the SDK and zod resolve from node_modules.
  const dir = await mkdtemp(join(ROOT, 'tmp-quickstart-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'quickstart.ts'), ts);
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
      skipLibCheck: false, types: [], lib: ['ES2022', 'DOM'], outDir: 'out',
    },
    files: ['quickstart.ts'],
  }));
  await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', dir], { cwd: ROOT });
  const { stdout } = await run(process.execPath, [join(dir, 'out', 'quickstart.js')], { cwd: ROOT, timeout: 30_000 });
  assert.match(stdout, /^created [0-9a-f-]{36}$/m);
  assert.match(stdout, /^result {2}\[\{"type":"text","text":"2 \+ 3 = 5"\}\]$/m);
});

test('npm README: every js block runs', { timeout: 60_000 }, async (t) => {
  const js = blocks(readme, 'js');
  assert.ok(js.length > 0);
  const dir = await mkdtemp(join(ROOT, 'tmp-npm-readme-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [i, code] of js.entries()) {
    const file = join(dir, `block-${i}.mjs`);
    await writeFile(file, code);
    const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 20_000 });
    assert.ok(stdout.length > 0, `block ${i} printed nothing`);
  }
});
