// Component ids of the trace (docs/trace.md "Component ids") and how a learner names them.

export const CONTROLLER_NAMES = {
  "deployment-controller": "Deployment controller",
  "replicaset-controller": "ReplicaSet controller",
  "node-lifecycle-controller": "Node lifecycle controller",
  "node-controller": "Node lifecycle controller",
  "garbage-collector-controller": "Garbage collector",
  "garbage-collector": "Garbage collector",
  "taint-eviction-controller": "Taint eviction controller",
  "endpointslice-controller": "EndpointSlice controller",
  "endpoints-controller": "Endpoints controller",
  "daemonset-controller": "DaemonSet controller",
  "statefulset-controller": "StatefulSet controller",
  "replicationcontroller-controller": "Replication manager", // upstream's ReplicationManager
  "job-controller": "Job controller",
  "cronjob-controller": "CronJob controller",
  "ttl-after-finished-controller": "TTL-after-finished controller",
  "horizontal-pod-autoscaler-controller": "HPA controller",
  "pod-garbage-collector-controller": "Pod garbage collector",
  "namespace-controller": "Namespace controller",
  "persistentvolume-binder-controller": "PersistentVolume controller",
  "persistentvolumeclaim-protection-controller": "PVC protection controller",
  "persistentvolume-protection-controller": "PV protection controller",
  "local-path-provisioner": "local-path provisioner",
  "resourcequota-controller": "Resource quota controller",
  "disruption-controller": "Disruption controller",
  "serviceaccount-controller": "ServiceAccount controller",
  "clusterrole-aggregation-controller": "ClusterRole aggregation controller",
  "root-ca-certificate-publisher-controller": "Root CA publisher", // kube-root-ca.crt in every namespace
};

/** Split an id into its parts: {role, name, node}. */
export function parseComponent(id) {
  if (!id) return { role: "unknown", id: "" };
  const slash = id.indexOf("/");
  if (slash < 0) return { role: id, id };
  const role = id.slice(0, slash);
  const rest = id.slice(slash + 1);
  if (role === "controller-manager") return { role, id, controller: rest };
  if (role === "kubelet" || role === "container-runtime" || role === "cni" || role === "kube-proxy") {
    return { role, id, node: rest };
  }
  return { role, id, name: rest };
}

/** A short label for the stage chip. */
export function shortName(id) {
  const c = parseComponent(id);
  switch (c.role) {
    case "kubectl":
      return "kubectl";
    case "api-server":
      return "API server";
    case "etcd":
      return "etcd";
    case "scheduler":
      return "Scheduler";
    case "controller-manager":
      return (CONTROLLER_NAMES[c.controller] || titleCase(c.controller)).replace(/ (controller|manager)$/, "");
    case "kubelet":
      return "kubelet";
    case "container-runtime":
      return "runtime";
    case "cni":
      return "CNI";
    case "kube-proxy":
      return "kube-proxy";
    case "narrator":
      return "narrator";
    default:
      return id;
  }
}

/** The name used in sentences: "the scheduler", "the kubelet on node-2". */
export function sentenceName(id) {
  const c = parseComponent(id);
  switch (c.role) {
    case "kubectl":
      return "kubectl";
    case "api-server":
      return "the API server";
    case "etcd":
      return "etcd";
    case "scheduler":
      return "the scheduler";
    case "controller-manager":
      return `the ${CONTROLLER_NAMES[c.controller] || titleCase(c.controller)}`;
    case "kubelet":
      return `the kubelet on ${c.node}`;
    case "container-runtime":
      return `the container runtime on ${c.node}`;
    case "cni":
      return `the CNI plugin on ${c.node}`;
    case "kube-proxy":
      return `kube-proxy on ${c.node}`;
    case "narrator":
      return "the narrator";
    default:
      return id;
  }
}

/** Long label for controller chips / sequence lifelines. */
export function lifelineName(id) {
  const c = parseComponent(id);
  if (c.role === "controller-manager") return CONTROLLER_NAMES[c.controller] || titleCase(c.controller);
  if (c.node) return `${shortName(id)} ${c.node}`;
  return shortName(id);
}

function titleCase(text) {
  const words = String(text || "").split("-");
  const joined = words.join(" ");
  return joined.charAt(0).toUpperCase() + joined.slice(1);
}

/** Sort key so lifelines and lists follow the flow: kubectl → API → etcd → … → nodes. */
export function flowOrder(id) {
  const c = parseComponent(id);
  const rank = {
    kubectl: 0,
    "api-server": 1,
    etcd: 2,
    scheduler: 3,
    "controller-manager": 4,
    kubelet: 5,
    "container-runtime": 6,
    cni: 7,
    "kube-proxy": 8,
    narrator: 9,
  }[c.role];
  return [rank ?? 8, c.node || "", c.controller || ""];
}

export function compareFlow(a, b) {
  const ka = flowOrder(a);
  const kb = flowOrder(b);
  if (ka[1] !== kb[1] && ka[0] >= 5 && kb[0] >= 5) return naturalCompare(ka[1], kb[1]) || ka[0] - kb[0];
  return ka[0] - kb[0] || naturalCompare(ka[1], kb[1]) || naturalCompare(ka[2], kb[2]);
}

/** "node-2" < "node-10". */
const collator = new Intl.Collator("en", { numeric: true });
export function naturalCompare(a, b) {
  return collator.compare(String(a), String(b));
}
