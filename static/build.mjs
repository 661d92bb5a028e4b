// Bundle the page: static/src/main.js (and the npm packages it imports) and
// static/src/styles.css → static/dist/podlife-HASH.js and podlife-HASH.css, named by their
// content so the server can let browsers keep them for a year (web/assets.py). Beside them:
// - manifest.json, which maps "podlife.js" → "podlife-HASH.js" for the page's template;
// - a .gz and a .br of each JS and CSS file, compressed once here at the
//   highest levels rather than on every request of a class of 300;
// - the source maps, in files of their own for the curious (the bundle links them).
// `make install` runs it; `--watch` rebuilds on change while developing.

import { build, context } from "esbuild";
import { fileURLToPath } from "node:url";
import { constants, brotliCompressSync, gzipSync } from "node:zlib";
import fs from "node:fs";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
const watch = process.argv.includes("--watch");
const dev = watch || process.argv.includes("--dev"); // readable output for profiling
const logLevel = process.argv.includes("--quiet") ? "warning" : "info";
const COMPRESSED = /\.(js|css)$/;

// Entry name ("podlife.js") → its file in dist/, filled in as each build ends.
const manifest = {};

// After each build (every rebuild, when watching): compress its files, then write the manifest.
const finish = {
  name: "podlife-dist",
  setup(b) {
    b.onEnd((result) => {
      if (result.errors.length) return;
      for (const [file, output] of Object.entries(result.metafile.outputs)) {
        const name = path.basename(file);
        if (COMPRESSED.test(name)) compress(path.join(dist, name));
        // "podlife-5WQ2LRAX.js" is the bundle of the entry point named "podlife".
        if (output.entryPoint) manifest[name.replace(/-[A-Z0-9]+(\.\w+)$/, "$1")] = name;
      }
      fs.writeFileSync(path.join(dist, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    });
  },
};

function compress(file) {
  const data = fs.readFileSync(file);
  fs.writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  fs.writeFileSync(
    `${file}.br`,
    brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
}

const common = {
  outdir: dist,
  entryNames: "[name]-[hash]",
  bundle: true,
  minify: !dev,
  sourcemap: "linked",
  metafile: true,
  target: ["chrome111", "firefox115", "safari16.4"],
  plugins: [finish],
  logLevel,
};
const options = {
  ...common,
  entryPoints: { podlife: path.join(here, "src", "main.js") },
  format: "esm",
  // The editor (CodeMirror) in a chunk of its own, imported when first needed
  // (static/src/lazyeditor.js).
  splitting: true,
  chunkNames: "[name]-[hash]",
  legalComments: "linked",
};
const css = { ...common, entryPoints: { podlife: path.join(here, "src", "styles.css") } };

// A fresh dist/ each time: a bundle no page names any more is gone (its URL answers 404).
fs.rmSync(dist, { recursive: true, force: true });
if (watch) {
  for (const o of [options, css]) await (await context(o)).watch();
} else {
  await Promise.all([build(options), build(css)]);
}
