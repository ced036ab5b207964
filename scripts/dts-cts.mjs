// The CommonJS twin of an entry's declarations: the same text, with its relative imports of
// `./x.js` pointed at `./x.cjs` (so that, under `require`, `export * from` reaches index.d.cts).
//
// usage: node scripts/dts-cts.mjs <in.d.ts> <out.d.cts>
import { readFileSync, writeFileSync } from 'node:fs';

const [from, to] = process.argv.slice(2);
const text = readFileSync(from, 'utf8');
const out = text.replace(/(from '\.\/[\w.-]+)\.js'/g, "$1.cjs'");
if (/from '\.\/[\w.-]+\.js'/.test(out)) throw new Error(`${from}: an import was left pointing at .js`);
writeFileSync(to, out);
