// A pod's PersistentVolumeClaims as the inspector shows them: which claim each volume mounts,
// and the PersistentVolume the PersistentVolume controller bound it to — read from etcd at the
// cursor's revision, like the inspector's YAML, so scrubbing back shows the claim as it was.

/** One entry per persistentVolumeClaim volume of `pod` (the pod object as etcd held it). */
export function podClaims(pod, state, values) {
  const ns = (pod && pod.metadata && pod.metadata.namespace) || "default";
  const volumes = (pod && pod.spec && pod.spec.volumes) || [];
  return volumes
    .filter((v) => v && v.persistentVolumeClaim)
    .map((v) => {
      const claim = v.persistentVolumeClaim.claimName || "";
      const key = `/registry/persistentvolumeclaims/${ns}/${claim}`;
      const info = state.keys[key];
      if (!info) return { volume: v.name, claim, rev: 0, text: `claim ${claim}: does not exist yet` };
      const obj = values.get(key, info.rev);
      if (obj === undefined) values.want(key, info.rev);
      return { volume: v.name, claim, rev: info.rev, text: claimText(claim, obj) };
    });
}

/** "claim data → bound to volume pvc-…", or why it is not (yet). */
export function claimText(claim, obj) {
  if (obj === undefined) return `claim ${claim}: loading…`;
  if (!obj) return `claim ${claim}`;
  const bound = (obj.spec && obj.spec.volumeName) || "";
  const phase = obj.metadata && obj.metadata.deletionTimestamp ? "Terminating" : (obj.status && obj.status.phase) || "Pending";
  if (bound && phase === "Bound") return `claim ${claim} → bound to volume ${bound}`;
  if (bound) return `claim ${claim} (${phase}) → volume ${bound}`;
  return `claim ${claim}: ${phase}, not bound to a volume yet`;
}
