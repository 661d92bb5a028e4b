// "Connect your kubectl": the dialog that hands the learner a kubeconfig for this page's own
// cluster, so that the real kubectl in their terminal drives what the stage shows.
//
// The server speaks the Kubernetes API per cluster (docs/kube-api.md). The page proves it owns
// its cluster with its session id, sent as the X-Podlife-Session header (kept out of the URL,
// so out of server logs):
//   GET /clusters                   → {cluster, kubeconfig}: the page's cluster id and its URL
//   GET /clusters/<id>/kubeconfig   → the kubeconfig (YAML)

import { $, fill, h, trapFocus } from "./dom.js";

const SESSION_HEADER = "X-Podlife-Session";

/** What went wrong, in words a learner can act on. */
export class ConnectError extends Error {}

/** Fetch the page's cluster id and kubeconfig: {cluster, filename, text}. */
export async function fetchKubeconfig(session, { fetch: get = window.fetch.bind(window) } = {}) {
  if (!session) throw new ConnectError("The page is not connected to the server yet: wait until the top right says “connected”, then try again.");
  const headers = { [SESSION_HEADER]: session };
  const mine = await ask(get, "/clusters", headers, "application/json");
  let info;
  try {
    info = await mine.json();
  } catch {
    throw new ConnectError("The server's answer was not what the page expected: it does not seem to serve the Kubernetes API, so your own kubectl cannot connect to it.");
  }
  if (!info || typeof info.cluster !== "string" || !info.cluster) throw new ConnectError("The server did not say which cluster is this page's.");
  const path = typeof info.kubeconfig === "string" && info.kubeconfig.startsWith("/") ? info.kubeconfig : `/clusters/${encodeURIComponent(info.cluster)}/kubeconfig`;
  const reply = await ask(get, path, headers, "application/yaml");
  const text = await reply.text();
  if (!/^\s*apiVersion:/m.test(text) || !/current-context:/.test(text)) throw new ConnectError("The server's answer is not a kubeconfig.");
  return { cluster: info.cluster, filename: `podlife-${info.cluster}.kubeconfig`, text };
}

async function ask(get, url, headers, accept) {
  let reply;
  try {
    reply = await get(url, { headers: { ...headers, Accept: accept }, cache: "no-store", credentials: "same-origin" });
  } catch {
    throw new ConnectError("Could not reach the server. Check that it is still running, then try again.");
  }
  if (reply.ok) return reply;
  if (reply.status === 404 || reply.status === 405 || reply.status === 501) {
    throw new ConnectError(`This server does not serve the Kubernetes API (HTTP ${reply.status} for ${url}), so your own kubectl cannot connect to it. The rest of the page works as before.`);
  }
  if (reply.status === 403 || reply.status === 401) {
    throw new ConnectError(`The server does not recognise this page's cluster (HTTP ${reply.status}). It may have restarted: reload the page and try again.`);
  }
  const detail = await statusMessage(reply);
  throw new ConnectError(`The server refused (HTTP ${reply.status}${detail ? `: ${detail}` : ""}). Try again in a moment.`);
}

async function statusMessage(reply) {
  try {
    const body = await reply.json();
    return body && typeof body.message === "string" ? body.message : "";
  } catch {
    return "";
  }
}

function readyText(config) {
  return `Ready: ${config.filename}, for this page's cluster only.`;
}

/** The dialog. `session()` gives the page's current session id. */
export class ConnectDialog {
  constructor(root, { session, opener }) {
    this.root = root;
    this.session = session;
    this.opener = opener;
    this.config = null; // {cluster, filename, text, session}
    this.loading = null;
    this.returnTo = null;
    this.status = $("#connect-status", root);
    this.error = $("#connect-error", root);
    this.download = $("#connect-download", root);
    this.copy = $("#connect-copy", root);
    this.copyCommands = $("#connect-copy-commands", root);
    this.commands = $("#connect-commands", root);
    this.preview = $("#connect-kubeconfig", root);
    this.details = $("#connect-details", root);
    opener.addEventListener("click", () => this.toggle());
    $("#connect-close", root).addEventListener("click", () => this.close());
    root.addEventListener("click", (e) => {
      if (e.target === root) this.close(); // a click on the backdrop
    });
    root.addEventListener("keydown", (e) => trapFocus(root, e));
    this.download.addEventListener("click", () => this.saveFile());
    this.copy.addEventListener("click", () => this.copyKubeconfig());
    this.copyCommands.addEventListener("click", () => this.copyText(this.commands.textContent, "The commands are on your clipboard."));
    this.showCommands("<id>");
  }

  get isOpen() {
    return !this.root.hidden;
  }

  toggle(force) {
    if (force ?? !this.isOpen) this.open();
    else this.close();
  }

  open() {
    if (!this.isOpen) {
      this.returnTo = document.activeElement;
      this.root.hidden = false;
      this.opener.setAttribute("aria-expanded", "true");
    }
    this.download.focus();
    if (this.config && this.config.session === this.session()) this.setStatus(readyText(this.config));
    this.load();
  }

  close() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    this.opener.setAttribute("aria-expanded", "false");
    (this.returnTo && this.returnTo.isConnected ? this.returnTo : this.opener).focus();
  }

  /** The kubeconfig of the current session, fetched once per session (its token is stable). */
  async load() {
    const session = this.session();
    if (this.config && this.config.session === session) return this.config;
    if (this.loading && this.loading.session === session) return this.loading.promise;
    this.setBusy(true);
    this.showError(null);
    this.setStatus("Getting this page's kubeconfig from the server…");
    const promise = fetchKubeconfig(session)
      .then((config) => {
        this.config = { ...config, session };
        this.showCommands(config.cluster);
        this.preview.value = config.text;
        this.details.hidden = false;
        this.root.dataset.cluster = config.cluster;
        this.setStatus(readyText(config));
        return this.config;
      })
      .catch((error) => {
        this.config = null;
        this.details.hidden = true;
        this.showError(error instanceof ConnectError ? error.message : `Something went wrong: ${error}`);
        this.setStatus("");
        return null;
      })
      .finally(() => {
        if (this.loading && this.loading.promise === promise) this.loading = null;
        this.setBusy(false);
      });
    this.loading = { session, promise };
    return promise;
  }

  /** The session changed (a reconnection to a new one): forget the old cluster's kubeconfig. */
  sessionChanged() {
    this.config = null;
    delete this.root.dataset.cluster;
    this.preview.value = "";
    this.details.hidden = true;
    this.showCommands("<id>");
    if (this.isOpen) this.load();
  }

  async saveFile() {
    const config = await this.load();
    if (!config) return;
    const url = URL.createObjectURL(new Blob([config.text], { type: "application/yaml" }));
    const link = h("a", { href: url, download: config.filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    this.setStatus(`Downloaded ${config.filename}. If your browser saved it elsewhere, or renamed it, change the path in the first command.`);
  }

  async copyKubeconfig() {
    const config = await this.load();
    if (!config) return;
    this.copyText(config.text, `Copied. Save it as ~/Downloads/${config.filename} (or anywhere: the first command names the file).`);
  }

  async copyText(text, done) {
    const back = document.activeElement;
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard API");
      await navigator.clipboard.writeText(text);
      this.setStatus(done);
      return;
    } catch {
      // Plain http from another machine (a classroom) is not a secure context: fall back.
    }
    const area = h("textarea", { "aria-hidden": "true", readonly: true, style: "position: fixed; top: -1000px; opacity: 0" });
    area.value = text;
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    if (back instanceof HTMLElement) back.focus();
    if (ok) this.setStatus(done);
    else {
      this.showError("The browser did not let the page copy. Open “Show the kubeconfig” below, select the text and copy it yourself.");
      this.details.open = true;
    }
  }

  showCommands(cluster) {
    const file = `podlife-${cluster}.kubeconfig`;
    this.commands.textContent = `export KUBECONFIG=~/Downloads/${file}\nkubectl get pods`;
    $("#connect-powershell", this.root).textContent = `$env:KUBECONFIG = "$HOME\\Downloads\\${file}"`;
  }

  setBusy(busy) {
    // The buttons stay enabled (a disabled button would drop the keyboard focus): a click while
    // loading waits for the same request.
    this.root.setAttribute("aria-busy", String(busy));
  }

  setStatus(text) {
    this.status.textContent = text;
  }

  showError(text) {
    this.error.hidden = !text;
    fill(this.error, text ? [h("strong", {}, "Cannot connect your kubectl. "), text] : []);
  }
}
