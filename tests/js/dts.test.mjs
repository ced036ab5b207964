// index.d.ts is written by hand: every member the classes really have must be declared there,
// and every declared member must exist, so the types cannot drift from the runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InMemoryTaskStore, InMemoryTaskMessageQueue } from 'mcp-task-store-wasm';

const require = createRequire(import.meta.url);
const dts = readFileSync(require.resolve('mcp-task-store-wasm/package.json').replace(/package\.json$/, 'index.d.ts'), 'utf8');

/** Member names declared in `export class <name> { ... }` of index.d.ts. */
function declared(name) {
  const start = dts.indexOf(`export class ${name} {`);
  assert.ok(start >= 0, `index.d.ts declares class ${name}`);
  const body = dts.slice(start, dts.indexOf('\n}\n', start));
  const names = new Set();
  for (const [, member] of body.matchAll(/^ {2}(?:readonly )?(\w+)[(?:]/gm)) names.add(member);
  return names;
}

/** Member names the class has at run time (symbols and the constructor aside). */
function actual(cls) {
  // wasm-bindgen's internal `__destroy_into_raw` is not part of the API.
  return new Set(Object.getOwnPropertyNames(cls.prototype).filter((n) => n !== 'constructor' && !n.startsWith('__')));
}

for (const cls of [InMemoryTaskStore, InMemoryTaskMessageQueue]) {
  test(`index.d.ts declares exactly the members of ${cls.name}`, () => {
    const want = declared(cls.name);
    want.delete('constructor');
    assert.deepStrictEqual([...actual(cls)].sort(), [...want].sort());
  });
}
