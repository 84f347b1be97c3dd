// Writes the TypeScript types generated from the API document and the recipe
// JSON Schema into a directory (default lib/gen):
//   api.ts        from /openapi.json, as `kmeme openapi` prints it (openapi-typescript)
//   recipe.v2.ts  from schema/recipe.v2.json (json-schema-to-typescript)
// Usage: node scripts/gen-types.mjs [outdir] [openapi.json]
// Without an openapi.json path the document is asked of the Go side
// (`go run ./cmd/kmeme openapi`), so no server has to run.
// scripts/test-web.sh regenerates into a temporary directory and fails when
// the committed files differ.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { compile } from "json-schema-to-typescript";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const root = resolve(web, "..");
const out = resolve(process.argv[2] ?? join(web, "lib/gen"));
const docPath = process.argv[3];

const header = (from) => `// GENERATED from ${from} by web/scripts/gen-types.mjs — do not edit.\n// Regenerate: cd web && node scripts/gen-types.mjs\n\n`;

// The version is fixed so the file does not change with every commit.
const docText = docPath
  ? readFileSync(docPath, "utf8")
  : execFileSync("go", ["run", "./cmd/kmeme", "openapi", "-version", "generated"], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
const doc = JSON.parse(docText);
doc.info = { ...doc.info, version: "generated" };
const api = astToString(await openapiTS(doc, { alphabetize: true }));

const schema = JSON.parse(readFileSync(join(root, "schema/recipe.v2.json"), "utf8"));
const recipe = await compile(schema, "RecipeV2", {
  bannerComment: "",
  additionalProperties: false,
  format: false,
  ignoreMinAndMaxItems: true,
  cwd: join(root, "schema"),
});

mkdirSync(out, { recursive: true });
writeFileSync(join(out, "api.ts"), header("/openapi.json (kmeme openapi)") + api);
writeFileSync(join(out, "recipe.v2.ts"), header("schema/recipe.v2.json") + recipe);
console.log(`types: wrote ${out}/api.ts and ${out}/recipe.v2.ts`);
