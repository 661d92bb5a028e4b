// Export and Import: the session's cluster as a file (docs/export.md). Export downloads what
// the server wrote as a Blob (no navigation, no inline script: the page's CSP holds); Import
// reads a picked file and sends its text, and the server replays it and sends the history.

import { toast } from "./ui.js";

// web/config.py max_import_bytes's default; a Socket.IO message over 4 MiB would close the
// connection, so the page refuses a bigger file before sending it.
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** `onImport`: called before a file replaces the cluster (a running lesson stops). */
export function installClusterFile(conn, { exportButton, importInput, onImport }) {
  exportButton.addEventListener("click", async () => {
    const reply = await conn.request("export");
    if (!reply.ok) return toast(reply.error || "export failed", "error");
    download(reply.name, reply.content);
    toast(`Exported ${eventsText(reply.events)} to ${reply.name}`);
  });
  importInput.addEventListener("change", async () => {
    const file = importInput.files?.[0];
    importInput.value = ""; // picking the same file again is a change too
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
      return toast(`${file.name} is ${mib(file.size)}; at most ${mib(MAX_FILE_BYTES)} can be imported`, "error");
    }
    onImport();
    toast(`Importing ${file.name}…`);
    const reply = await conn.request("import", { content: await file.text() });
    if (!reply.ok) return toast(`${file.name} was not loaded: ${reply.error || "import failed"}`, "error");
    const lesson = reply.lesson ? ` of lesson ${reply.lesson}` : "";
    toast(`Loaded ${file.name}: a cluster${lesson} with ${eventsText(reply.events)}, seed ${reply.seed}`);
  });
}

function eventsText(count) {
  return `${count.toLocaleString("en")} event${count === 1 ? "" : "s"}`;
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000); // once the download has taken it
}
