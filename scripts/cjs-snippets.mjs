// Makes wasm-bindgen's `nodejs` (CommonJS) glue loadable on every Node version: its JS
// snippets are ES modules, which `require` only loads on Node >= 20.19 / 22.12. This copies
// them as CommonJS (`export function f` -> `function f` + `exports.f = f`) and points the
// glue at the copies. Our snippets only ever use `export function`; anything else fails
// loudly here rather than at a user's require.
//
// usage: node scripts/cjs-snippets.mjs <bindgen-node-dir> <glue.cjs> <out-dir>
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { toCjs } from './to-cjs.mjs';

const [from, glue, out] = process.argv.slice(2);
const snippets = join(from, 'snippets');
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.js')) files.push(p);
  }
};
walk(snippets);
for (const file of files) {
  const text = toCjs(readFileSync(file, 'utf8'), file);
  const target = join(out, 'snippets-cjs', relative(snippets, file)).replace(/\.js$/, '.cjs');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
const source = readFileSync(glue, 'utf8');
// wasm-bindgen writes these requires as require("./snippets/….js") and as
// require(String.raw`./snippets/….js`).
const rewritten = source.replace(
  /require\((?:String\.raw`|")\.\/snippets\/([^"`]+)\.js(?:`|")\)/g,
  'require("./snippets-cjs/$1.cjs")',
);
if (/require\((?:String\.raw`|")\.\/snippets\//.test(rewritten)) throw new Error(`${glue}: a snippet path was left unrewritten`);
if (files.length && rewritten === source) throw new Error(`${glue}: no snippet require found to rewrite`);
writeFileSync(glue, rewritten);
