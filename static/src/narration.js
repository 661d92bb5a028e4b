// Narration is data attached to the trace: for each event, the step it belongs to and a
// sentence a learner understands.

import { sentenceName } from "./components.js";

/** A lesson's Markdown (`say:` text) as plain words on one line. */
export function plainWords(text) {
  return String(text).replace(/\*\*|`/g, "").replace(/\s+/g, " ").trim();
}

export const STEPS = {
  send: { number: 1, title: "kubectl sends the request" },
  persist: { number: 2, title: "the API server checks it and stores it in etcd" },
  control: { number: null, title: "the controllers make what you asked for" },
  schedule: { number: 3, title: "the scheduler picks a node" },
  run: { number: 4, title: "the kubelet starts the containers" },
  report: { number: 5, title: "the kubelet reports the pod's status" },
  other: { number: null, title: "housekeeping" },
};

// A Pod's five steps, and a Deployment's own four (its pods then go through a Pod's 3 to 5).
const POD_STEPS = [STEPS.send, STEPS.persist, STEPS.schedule, STEPS.run, STEPS.report];
const DEPLOYMENT_STEPS = [
  "kubectl sends the request",
  "the API server checks it and stores it in etcd",
  "the Deployment controller makes a ReplicaSet",
  "the ReplicaSet controller makes the pods",
];

/** The learner's heading for an event: "Step 3 — the scheduler picks a node". */
export function eventHeadline(ev) {
  if (ev.kind === "milestone" && !ev.data.step) return "Meanwhile — what happens around your objects";
  if (ev.kind === "milestone") {
    const { step, of } = ev.data;
    const title = of === 4 ? DEPLOYMENT_STEPS[step - 1] : POD_STEPS[step - 1].title;
    return `Step ${step} of ${of} — ${title}`;
  }
  if (ev.object && ev.object.kind === "Lease") return "Behind the scenes — the kubelet renews its node's lease: its heartbeat";
  if (ev.kind === "etcd-watch") return "Watch — etcd streams the change to the API server's watch cache";
  if (ev.step === "control") {
    const c = [ev.source, ev.target].find((id) => id.startsWith("controller-manager/"));
    if (c && !/deployment|replicaset/.test(c)) return `Controllers — the ${sentenceName(c).replace(/^the /, "")} does its part`;
  }
  return stepHeadline(ev.step);
}

export function eventTag(ev) {
  if (ev.kind === "milestone") return ev.data.step ? `Step ${ev.data.step} of ${ev.data.of}` : "Meanwhile"; // the seed's own step
  if (ev.object && ev.object.kind === "Lease") return "Heartbeat";
  if (ev.kind === "etcd-watch") return "Watch";
  return stepTag(ev.step);
}

/** "Step 3 — the scheduler picks a node" */
export function stepHeadline(step) {
  const s = STEPS[step] || STEPS.other;
  if (step === "control") return "Controllers — the Deployment and ReplicaSet controllers do their part";
  if (s.number === null) return `Behind the scenes — ${s.title}`;
  return `Step ${s.number} — ${s.title}`;
}

export function stepTag(step) {
  const s = STEPS[step] || STEPS.other;
  if (step === "control") return "Controllers";
  return s.number === null ? "Housekeeping" : `Step ${s.number}`;
}

function objectName(ev) {
  const o = ev.object;
  if (!o || !o.name) return "";
  return `${o.kind} ${o.name}`;
}

/** One plain-language sentence for an event. */
export function caption(ev) {
  const from = sentenceName(ev.source);
  const to = sentenceName(ev.target);
  const summary = String(ev.summary || "").trim();
  const data = ev.data || {};
  switch (ev.kind) {
    case "narration":
      return plainWords(summary);
    case "milestone": // a step of the story, already said in a beginner's words
      return end(summary);
    case "request":
      if (data.remote) return `${remoteClient(data.userAgent)} sends the API server a request over HTTP: ${summary} (${data.method || ""} ${shortUrl(data.url)}).`;
      // `kubectl apply` first asks whether the object exists: it then creates or patches it.
      if (data.method === "GET" && ev.source === "kubectl" && ev.object && ev.object.name) {
        return `kubectl asks the API server whether ${ev.object.kind.toLowerCase()} ${ev.object.name} exists, and what it holds (GET ${shortUrl(data.url)}).`;
      }
      return `${cap(from)} sends the API server a request: ${summary} (${data.method || ""} ${shortUrl(data.url)}).`;
    case "response": {
      const code = data.code;
      const ok = code >= 200 && code < 300;
      // A 404 is how `kubectl apply` learns that an object does not exist yet, before it creates
      // it: an answer, not a refusal.
      const missing = ev.object && ev.object.name ? `there is no ${ev.object.kind.toLowerCase()} ${ev.object.name}` : "there is no such object";
      const why = ok ? "" : code === 404 ? ` — ${missing} (yet)` : " — the request was refused";
      return `The API server answers ${to}: ${summary}${why}.`;
    }
    case "authentication":
      return `The API server checks who is asking. ${end(summary)}`;
    case "authorization":
      return `The API server checks that they may do this. ${end(summary)}`;
    case "mutating-admission":
      return `Mutating admission fills in defaults and lets plugins adjust the object. ${end(summary)}`;
    case "validation":
      return `The API server validates the object against the API's rules. ${end(summary)}`;
    case "validating-admission":
      return `Validating admission has the last word. ${end(summary)}`;
    case "graceful-delete":
      return `A graceful delete: the API server marks ${objectName(ev) || "the object"} for deletion and gives it time to stop. ${end(summary)}`;
    case "no-op":
      return `Nothing changed, so nothing is written. ${end(summary)}`;
    case "watch":
      return `${cap(from === "the API server" ? "a client" : from)} starts watching. ${end(summary)}`;
    case "etcd-read":
      return `The API server reads from etcd. ${end(summary)}`;
    case "etcd-write":
      return `The API server writes to etcd with a compare-and-swap. ${end(summary)}`;
    case "etcd-reply":
      return `etcd answers. ${end(summary)}`;
    case "etcd-watch":
      return `etcd tells the API server's watch cache about the change. ${end(summary)}`;
    case "watch-event":
      return `The API server tells ${to}, which is watching, about the change: ${end(summary)}`;
    case "scheduling-cycle":
      return `The scheduler filters out nodes that cannot run ${objectName(ev) || "the pod"} and scores the rest. ${end(summary)}`;
    case "cri-request": {
      const call = ev.data.method;
      const what = {
        RunPodSandbox: "to create the pod sandbox (the pause container and its network namespace)",
        PullImage: "to pull the image",
        CreateContainer: "to create the container",
        StartContainer: "to start the container",
        StopContainer: "to stop the container",
        StopPodSandbox: "to tear the pod sandbox down",
        RemovePodSandbox: "to remove the pod sandbox",
      }[call];
      return `${cap(from)} asks ${to} ${what || "for something"}: ${end(summary)}`;
    }
    case "cri-reply":
      return `${cap(from)} answers the kubelet: ${end(summary)}`;
    case "cni-add":
      return `${cap(from)} asks ${to} to wire the pod's network (veth pair, IP address, routes): ${end(summary)}`;
    case "cni-del":
      return `${cap(from)} asks ${to} to unwire the pod's network: ${end(summary)}`;
    case "cni-reply":
      return `${cap(from)} answers ${to}: ${end(summary)}`;
    case "reconcile":
      return `${cap(from)} compares what was asked for with what exists, and decides: ${end(summary)}`;
    default:
      if (ev.source === ev.target) return `${cap(from)}: ${end(summary)}`;
      return `${cap(from)} → ${to}: ${end(summary)}`;
  }
}

/** Who sent a request over HTTP, from its User-Agent: "Your own kubectl (kubectl/v1.37.1), in your terminal,". */
function remoteClient(agent) {
  const product = (/^[\w.-]+\/[\w.+-]+/.exec(String(agent || "")) || [""])[0];
  if (/^kubectl\//.test(product)) return `Your own kubectl (${product}), in your terminal,`;
  return product ? `A client over HTTP (${product})` : "A client over HTTP";
}

/** End a sentence with exactly one full stop. */
function end(text) {
  return /[.!?…:]$/.test(text) ? text : `${text}.`;
}

/** Capitalise a sentence's first word — except kubectl, which is always written so. */
export function cap(text) {
  if (/^kubectl\b/.test(text)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function shortUrl(url) {
  if (!url) return "";
  return String(url).replace(/\?.*$/, "");
}

/** The label drawn on a travelling message. */
export function messageLabel(ev) {
  const data = ev.data || {};
  switch (ev.kind) {
    case "request":
      return `${data.method || ""} ${ev.object ? ev.object.kind.toLowerCase() : ""}`.trim();
    case "response":
      return `${data.code || ""}`;
    case "etcd-write":
      return data.op ? `txn ${data.op}` : "txn";
    case "etcd-read":
      return "range";
    case "etcd-reply":
      return data.revision ? `rev ${data.revision}` : "reply";
    case "etcd-watch":
      return data.revision ? `watch rev ${data.revision}` : "watch";
    case "watch-event":
      return data.type || "event";
    case "cri-request":
    case "cri-reply":
      return ev.data.method;
    case "cni-add":
      return "CNI ADD";
    default:
      return ev.kind;
  }
}

/**
 * What the narration box says before anything happened, by who this page is: only a learner
 * can apply, so a class following its teacher (`role` "follower") is told what will come
 * instead, and one whose class ended (`"ended"`) that nothing will.
 */
export function emptyNarration(role) {
  if (role === "follower") {
    return {
      tag: "Waiting",
      headline: "The class starts when your teacher applies something",
      caption: "Your teacher drives this cluster. When they apply a manifest, every message between the components travels across this stage, step by step, as on the projector.",
    };
  }
  if (role === "ended") {
    return {
      tag: "Ended",
      headline: "The class ended before anything was applied",
      caption: "Start your own cluster to apply a manifest yourself.",
    };
  }
  return {
    tag: "Ready",
    headline: "Apply a manifest to begin",
    caption: "Paste a Pod or Deployment into the editor and press Apply (Ctrl+Enter). Every message between the components will travel across the stage, one at a time.",
  };
}
