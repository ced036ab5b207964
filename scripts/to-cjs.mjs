// An ES module whose only exports are `export function f` as CommonJS (`function f` +
// `exports.f = f`). Anything else fails loudly here rather than at a user's require.
//
// usage: node scripts/to-cjs.mjs <in.mjs> <out.cjs>
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The CommonJS text of `text` (from `file`, named in errors). */
export function toCjs(text, file) {
  const names = [];
  const body = text.replace(/^export function (\w+)/gm, (_, name) => {
    names.push(name);
    return `function ${name}`;
  });
  if (/^\s*(export|import)\b/m.test(body)) throw new Error(`${file}: only 'export function' is supported`);
  return `'use strict';\n${body}\n${names.map((n) => `exports.${n} = ${n};`).join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [from, to] = process.argv.slice(2);
  writeFileSync(to, toCjs(readFileSync(from, 'utf8'), from));
}
