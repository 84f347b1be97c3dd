// precompress.mjs DIR: writes NAME.br (brotli, quality 11) and NAME.gz
// (gzip -9) beside every text asset of the static export that is at least
// 512 bytes and shrinks, so internal/webui serves them with
// Content-Encoding instead of compressing on every request.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const TEXT = /\.(js|mjs|css|html|json|svg|txt|map|xml|webmanifest|ico)$/i;
const dir = process.argv[2];
if (!dir) {
  console.error("usage: precompress.mjs DIR");
  process.exit(2);
}
let files = 0, raw = 0, br = 0, gz = 0;
function walk(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p);
    else if (TEXT.test(name) && st.size >= 512) {
      const data = readFileSync(p);
      const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
      const g = gzipSync(data, { level: 9 });
      if (b.length < data.length) writeFileSync(p + ".br", b);
      if (g.length < data.length) writeFileSync(p + ".gz", g);
      files++;
      raw += data.length;
      br += Math.min(b.length, data.length);
      gz += Math.min(g.length, data.length);
    }
  }
}
walk(dir);
const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
console.log(`precompress: ${files} files, ${kb(raw)} raw → ${kb(gz)} gzip, ${kb(br)} brotli`);
