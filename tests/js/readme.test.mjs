// The README's "Use it with @modelcontextprotocol/sdk" example is a complete program: run it.
// Its first ```js block is written to a temporary .mjs file inside the repository (so that
// `mcp-task-store-wasm`, the SDK and zod resolve from node_modules) and run with node.
// examples/readme-snippet.mjs is the same program, kept as a file: it must run too, and the
// README block must be that file's text.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HEADING = '## Use it with @modelcontextprotocol/sdk';
const SNIPPET = join(ROOT, 'examples', 'readme-snippet.mjs');

/** The first ```js fenced block after `heading` (and before the next `## ` heading), or null. */
export function firstJsBlockAfter(markdown, heading) {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return null;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^## /.test(lines[i])) return null;
    if (/^```(js|javascript|mjs)\s*$/.test(lines[i].trim())) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
      if (end < 0) return null;
      return lines.slice(i + 1, end).join('\n') + '\n';
    }
  }
  return null;
}

async function runProgram(file) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], {
      cwd: ROOT,
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(err) };
  }
}

function assertRanToCompletion({ code, stdout, stderr }, what) {
  assert.equal(code, 0, `${what} exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  assert.match(stdout, /completed/, `${what} did not print 'completed'\nstdout:\n${stdout}`);
}

test('readme: examples/readme-snippet.mjs runs a task tool to completion', async () => {
  assertRanToCompletion(await runProgram(SNIPPET), 'examples/readme-snippet.mjs');
});

test("readme: the first js block of 'Use it with @modelcontextprotocol/sdk' runs and prints 'completed'", async () => {
  const markdown = await readFile(join(ROOT, 'README.md'), 'utf8').catch(() => assert.fail('README.md is missing'));
  const code = firstJsBlockAfter(markdown, HEADING);
  assert.ok(code, `README.md has no \`\`\`js block under "${HEADING}"`);
  const file = join(ROOT, `.readme-snippet-${process.pid}-${Date.now()}.tmp.mjs`);
  await writeFile(file, code);
  try {
    assertRanToCompletion(await runProgram(file), 'the README example');
  } finally {
    await rm(file, { force: true });
  }
  // The README shows examples/readme-snippet.mjs as it is (so the file and the README stay one program).
  assert.equal(code.trim(), (await readFile(SNIPPET, 'utf8')).trim(), 'README block differs from examples/readme-snippet.mjs');
});
