// Bundle the page: static/src/main.js (and the npm packages it imports) → static/dist/podlife.js,
// static/src/styles.css → static/dist/podlife.css. `make install` runs it; `--watch` rebuilds
// on change while developing.

import { build, context } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const dev = watch || process.argv.includes("--dev"); // readable output for profiling
const logLevel = process.argv.includes("--quiet") ? "warning" : "info";

const options = {
  entryPoints: {
    podlife: path.join(here, "src", "main.js"),
  },
  outdir: path.join(here, "dist"),
  bundle: true,
  format: "esm",
  target: ["chrome111", "firefox115", "safari16.4"],
  minify: !dev,
  sourcemap: true,
  legalComments: "linked",
  logLevel,
};
const css = {
  entryPoints: { podlife: path.join(here, "src", "styles.css") },
  outdir: path.join(here, "dist"),
  bundle: true,
  minify: !dev,
  sourcemap: true,
  target: ["chrome111", "firefox115", "safari16.4"],
  logLevel,
};

if (watch) {
  for (const o of [options, css]) await (await context(o)).watch();
} else {
  await Promise.all([build(options), build(css)]);
}
