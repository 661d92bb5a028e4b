"""The DaemonSet controller (pkg/controller/daemon/daemon_controller.go, update.go).

For each DaemonSet it works out, node by node, whether a daemon pod belongs there
(util.should_run: node selector, node affinity, taints against the pod's tolerations plus the
ones every daemon pod gets), creates the missing pods — each pinned to its node by a required
node affinity `metadata.name In [node]`, and bound there by the scheduler, as since 1.12 —,
deletes the pods of nodes where it no longer belongs and the extra ones, replaces pods of an
old template node by node (RollingUpdate, maxUnavailable), and reports status.

Events (pkg/controller/controller_utils.go RealPodControl): SuccessfulCreate `Created pod: %v`,
FailedCreate `Error creating: %v`, SuccessfulDelete `Deleted pod: %v`, FailedDelete
`Error deleting: %v`, and FailedDaemonPod for a failed pod it kills, recorded on the
DaemonSet by `daemonset-controller`.

Its history is kept as ControllerRevisions (history.py). Not simulated: the surge path of a
rolling update (maxSurge > 0 is replaced like maxSurge 0).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any

from engine.apimachinery.jsoncopy import deep_copy_json
from engine.apimachinery.labels import LabelSelector, SelectorError, selector_from_match
from engine.apiserver.request import Response
from engine.client.informer import Handlers, key_of
from engine.controllers.base import Controller, SyncError, error_message, path_of, run_parallel
from engine.controllers.controller_ref import (
    ClaimManager,
    new_controller_ref,
    resolve_controller_ref,
)
from engine.controllers.daemon import history, util
from engine.controllers.deployment.util import scaled_value
from engine.controllers.expectations import ControllerExpectations
from engine.controllers.hashing import compute_hash
from engine.controllers.informers import CONTROLLER_UID, ORPHAN_NAMESPACE, controller_ref
from engine.controllers.podutil import is_pod_available, is_pod_ready, labels_of, pod_key
from engine.timeutil import parse_rfc3339

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

BURST_REPLICAS = 250  # daemon.BurstReplicas
SLOW_START_INITIAL_BATCH_SIZE = 1  # controller.SlowStartInitialBatchSize
STATUS_UPDATE_RETRIES = 1  # StatusUpdateRetries
NAMESPACE_TERMINATING = "because it is being terminated"
FAILED_BACKOFF = (1.0, 900.0)  # failedPodsBackoff: flowcontrol.NewBackOff(1s, 15min)


def _created(pod: Obj) -> tuple[bool, float, str]:
    """podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name."""
    stamp = pod["metadata"].get("creationTimestamp")
    unscheduled = not (pod.get("spec") or {}).get("nodeName")
    return (unscheduled, parse_rfc3339(stamp) if stamp else 0.0, pod["metadata"]["name"])


def _nodes_text(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


class DaemonSetController(Controller):
    name = "daemonset-controller"
    service_account = "daemon-set-controller"
    event_source = "daemonset-controller"
    workers = 2  # --concurrent-daemonset-syncs
    kind = "DaemonSet"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.expectations = ControllerExpectations(lambda: self.env.now)
        self.pods = self.informers.pods
        self.daemonsets = self.informers.daemonsets
        self.nodes = self.informers.nodes
        self._backoff: dict[str, tuple[float, float]] = {}  # failedPodsBackoff: key -> (at, delay)

    # ---- informer handlers -------------------------------------------------------------------
    def register(self) -> None:
        self.daemonsets.add_handlers(Handlers(self._add_ds, self._update_ds, self._delete_ds))
        self.pods.add_handlers(Handlers(self._add_pod, self._update_pod, self._delete_pod))
        # No delete handler for nodes upstream: a removed node's pods go by the pod GC.
        self.nodes.add_handlers(Handlers(self._add_node, self._update_node, lambda _node: None))
        self.informers.get("controllerrevisions").add_handlers(
            Handlers(
                self._history_changed,
                lambda _old, cur: self._history_changed(cur),
                self._history_changed,
            )
        )

    def synced_resources(self) -> tuple[str, ...]:
        return ("pods", "daemonsets", "nodes", "controllerrevisions")

    def _history_changed(self, history: Obj) -> None:
        """addHistory / updateHistory / deleteHistory: its DaemonSet looks again."""
        ref = controller_ref(history)
        if ref is not None:
            ds = self._resolve(history["metadata"].get("namespace", ""), ref)
            if ds is not None:
                self.queue.add(key_of(ds))
            return
        for ds in self._daemon_sets_for_orphan(history):
            self.queue.add(key_of(ds))

    def _add_ds(self, ds: Obj) -> None:
        self.queue.add(key_of(ds))

    def _update_ds(self, old: Obj, cur: Obj) -> None:
        self.queue.add(key_of(cur))

    def _delete_ds(self, ds: Obj) -> None:
        self.expectations.delete(key_of(ds))
        self.queue.add(key_of(ds))

    def _add_pod(self, pod: Obj) -> None:
        if pod["metadata"].get("deletionTimestamp"):
            self._delete_pod(pod)  # a pod that shows up already going was no awaited creation
            return
        ref = controller_ref(pod)
        if ref is not None:
            ds = self._resolve(pod["metadata"].get("namespace", ""), ref)
            if ds is not None:
                self.expectations.creation_observed(key_of(ds))
                self.queue.add(key_of(ds))
            return
        for ds in self._daemon_sets_for_orphan(pod):
            self.queue.add(key_of(ds))

    def _update_pod(self, old: Obj, cur: Obj) -> None:
        if old["metadata"].get("resourceVersion") == cur["metadata"].get("resourceVersion"):
            return
        namespace = cur["metadata"].get("namespace", "")
        cur_ref, old_ref = controller_ref(cur), controller_ref(old)
        if cur_ref != old_ref and old_ref is not None:
            previous = self._resolve(namespace, old_ref)
            if previous is not None:
                self.queue.add(key_of(previous))
        if cur_ref is not None:
            ds = self._resolve(namespace, cur_ref)
            if ds is not None:
                self.queue.add(key_of(ds))
                min_ready = ds["spec"].get("minReadySeconds") or 0
                if min_ready and not is_pod_ready(old) and is_pod_ready(cur):
                    self.enqueue_after(key_of(ds), min_ready + 1)
            return
        if labels_of(old) != labels_of(cur) or cur_ref != old_ref:
            for ds in self._daemon_sets_for_orphan(cur):
                self.queue.add(key_of(ds))

    def _delete_pod(self, pod: Obj) -> None:
        ref = controller_ref(pod)
        if ref is None:
            return
        ds = self._resolve(pod["metadata"].get("namespace", ""), ref)
        if ds is not None:
            self.expectations.deletion_observed(key_of(ds), pod_key(pod))
            self.queue.add(key_of(ds))

    def _add_node(self, node: Obj) -> None:
        for ds in self.daemonsets.list():
            if util.should_run(node, ds)[0]:
                self.queue.add(key_of(ds))

    def _update_node(self, old: Obj, cur: Obj) -> None:
        """updateNode: only a change in where daemon pods belong matters (heartbeats do not)."""
        if old["metadata"].get("labels") == cur["metadata"].get("labels") and old.get(
            "spec"
        ) == cur.get("spec"):
            return
        for ds in self.daemonsets.list():
            if util.should_run(old, ds) != util.should_run(cur, ds):
                self.queue.add(key_of(ds))

    def _resolve(self, namespace: str, ref: Obj) -> Obj | None:
        return resolve_controller_ref(self.daemonsets, "DaemonSet", namespace, ref)

    def _daemon_sets_for_orphan(self, pod: Obj) -> list[Obj]:
        """getDaemonSetsForPod: the DaemonSets of the pod's namespace that select it."""
        namespace, labels = pod["metadata"].get("namespace", ""), labels_of(pod)
        found = []
        for ds in self.daemonsets.list():
            if ds["metadata"].get("namespace") != namespace:
                continue
            selector = _selector(ds)
            if selector is not None and not selector.empty() and selector.matches(labels):
                found.append(ds)
        return found

    # ---- syncDaemonSet -----------------------------------------------------------------------
    def sync(self, key: str) -> Gen:
        yield from self.work()
        ds = self.daemonsets.get(key)
        if ds is None:
            self.expectations.delete(key)
            return
        selector = _selector(ds)
        if selector is None or selector.empty() or ds["metadata"].get("deletionTimestamp"):
            return  # validation keeps such selectors out; a DaemonSet going is left alone
        nodes = sorted(self.nodes.list(), key=lambda n: str(n["metadata"]["name"]))
        hash_ = compute_hash(ds["spec"].get("template") or {}, _collision_count(ds))
        current, old = yield from history.construct_history(self, ds, selector, hash_)
        hash_ = (current["metadata"].get("labels") or {}).get(util.REVISION_HASH, hash_)
        if not self.expectations.satisfied(key):
            yield from self.update_status(ds, selector, nodes, hash_, False)
            return
        errors = yield from self.manage(ds, selector, nodes, hash_)
        strategy = (ds["spec"].get("updateStrategy") or {}).get("type")
        if not errors and self.expectations.satisfied(key) and strategy == "RollingUpdate":
            errors = yield from self.rolling_update(ds, selector, nodes, hash_)
        if not errors:
            owned = self.pods.by_index(CONTROLLER_UID, ds["metadata"]["uid"])
            yield from history.cleanup_history(self, ds, old, owned)
        yield from self.update_status(ds, selector, nodes, hash_, True)
        if errors:
            raise SyncError(errors[0])

    def _node_to_daemon_pods(self, ds: Obj, selector: LabelSelector) -> Gen:
        """getNodesToDaemonPods: the pods it claims (adopting, releasing), by target node;
        a pod that finished and is being deleted no longer counts."""
        uid, namespace = ds["metadata"]["uid"], ds["metadata"].get("namespace", "")
        candidates = [
            pod
            for pod in self.pods.by_index(CONTROLLER_UID, uid)
            + [
                p
                for p in self.pods.by_index(ORPHAN_NAMESPACE, namespace)
                if selector.matches(labels_of(p))
            ]
            if not (
                pod["metadata"].get("deletionTimestamp")
                and (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
            )
        ]
        claimed: list[Obj] = []
        if candidates:
            manager = ClaimManager(self, ds, "daemonsets", selector)
            claimed = yield from manager.claim("pods", candidates)
        by_node: dict[str, list[Obj]] = {}
        for pod in claimed:
            node = util.target_node(pod)
            if node:
                by_node.setdefault(node, []).append(pod)
        return by_node

    def manage(self, ds: Obj, selector: LabelSelector, nodes: list[Obj], hash_: str) -> Gen:
        """manage with podsShouldBeOnNode: which nodes need a pod, which pods must go."""
        by_node = yield from self._node_to_daemon_pods(ds, selector)
        needing: list[str] = []
        doomed: list[Obj] = []
        unwanted: list[str] = []
        for node in nodes:
            name = node["metadata"]["name"]
            should_run, may_stay = util.should_run(node, ds)
            pods = by_node.get(name)
            if should_run and not pods:
                needing.append(name)
            elif may_stay:
                running = []
                for pod in pods or []:
                    if pod["metadata"].get("deletionTimestamp"):
                        continue
                    phase = (pod.get("status") or {}).get("phase")
                    if phase == "Succeeded" or (
                        phase == "Failed" and self._failed_pod(ds, pod, name)
                    ):
                        doomed.append(pod)
                    elif phase != "Failed":
                        running.append(pod)
                # Without surge, all but the oldest pod on a node go.
                doomed += sorted(running, key=_created)[1:]
            elif pods:
                going = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
                doomed += going
                if going:
                    unwanted.append(name)
        # getUnscheduledPodsWithoutNode: a pod still waiting for a node that is gone.
        names = {n["metadata"]["name"] for n in nodes}
        for node, pods in sorted(by_node.items()):
            if node not in names:
                doomed += [p for p in pods if not (p.get("spec") or {}).get("nodeName")]
        ds_name = ds["metadata"]["name"]
        if needing:
            self.milestone(
                f"The DaemonSet controller sees {_nodes_text(needing)} without a pod of "
                f"{ds_name} and creates {'one' if len(needing) == 1 else 'one on each'}",
                ds,
                4,
                4,
                count=len(needing),
            )
        if unwanted:
            self.milestone(
                f"The DaemonSet controller sees a pod of {ds_name} on {_nodes_text(unwanted)}, "
                "where it no longer belongs (node selector, affinity or taints), and deletes "
                + ("it" if len(unwanted) == 1 else "them"),
                ds,
                4,
                4,
                count=len(unwanted),
            )
        if needing or doomed:
            self.note(
                f"DaemonSet {key_of(ds)}: nodes needing a daemon pod: "
                f"{', '.join(needing) or 'none'}; pods to delete: {len(doomed)}",
                ds,
                creating=len(needing),
                deleting=[p["metadata"]["name"] for p in doomed],
            )
        errors = yield from self.sync_nodes(ds, doomed, needing, hash_)
        return errors

    def _failed_pod(self, ds: Obj, pod: Obj, node: str) -> bool:
        """A failed daemon pod is killed and recreated, with back-off per node
        (failedPodsBackoff) so as not to fight a kubelet that rejects it."""
        key = f"{ds['metadata'].get('uid', '')}/{node}"
        at, delay = self._backoff.get(key, (0.0, 0.0))
        if delay and self.now - at < delay:
            self.enqueue_after(key_of(ds), delay, background=True)
            return False
        self._backoff[key] = (self.now, min(max(delay * 2, FAILED_BACKOFF[0]), FAILED_BACKOFF[1]))
        meta = pod["metadata"]
        self.recorder.event(
            ds,
            "Warning",
            "FailedDaemonPod",
            f"Found failed daemon pod {meta.get('namespace', '')}/{meta['name']} on node "
            f"{node}, will try to kill it",
        )
        return True

    def sync_nodes(self, ds: Obj, doomed: list[Obj], needing: list[str], hash_: str) -> Gen:
        """syncNodes: creations in slow-start batches, then the deletions in parallel."""
        key = key_of(ds)
        needing, doomed = needing[:BURST_REPLICAS], doomed[:BURST_REPLICAS]
        self.expectations.set_expectations(key, len(needing), [pod_key(p) for p in doomed])
        template = util.pod_template(ds, hash_)
        errors: list[str] = []
        position, batch = 0, min(len(needing), SLOW_START_INITIAL_BATCH_SIZE)
        while batch > 0:
            jobs: list[Callable[[], Gen]] = [
                functools.partial(self._create_pod, ds, template, node)
                for node in needing[position : position + batch]
            ]
            failed = [r for r in (yield from run_parallel(self, jobs, "create pod")) if r]
            errors += failed
            position += batch
            skipped = len(needing) - position
            if failed and skipped > 0:
                for _ in range(skipped):  # LowerExpectations: never attempted
                    self.expectations.creation_observed(key)
                break
            batch = min(2 * batch, skipped)
        deletes: list[Callable[[], Gen]] = [
            functools.partial(self._delete_pod_of, ds, pod) for pod in doomed
        ]
        errors += [r for r in (yield from run_parallel(self, deletes, "delete pod")) if r]
        return errors

    def _create_pod(self, ds: Obj, template: Obj, node: str) -> Gen:
        """RealPodControl.CreatePods with the template pinned to `node`."""
        meta: Obj = {"generateName": f"{ds['metadata']['name']}-"}
        template_meta = template.get("metadata") or {}
        for field in ("labels", "annotations", "finalizers"):
            if template_meta.get(field):
                meta[field] = deep_copy_json(template_meta[field])
        meta["ownerReferences"] = [new_controller_ref(ds)]
        spec = deep_copy_json(template.get("spec") or {})
        spec["affinity"] = util.node_affinity_for(spec.get("affinity"), node)
        namespace = ds["metadata"].get("namespace", "")
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        response: Response = yield from self.request("POST", path_of("pods", namespace), pod)
        if not response.ok:
            message = error_message(response)
            self.expectations.creation_observed(key_of(ds))
            if NAMESPACE_TERMINATING in message:
                return ""
            self.recorder.event(ds, "Warning", "FailedCreate", f"Error creating: {message}")
            return message
        self.recorder.event(
            ds, "Normal", "SuccessfulCreate", f"Created pod: {response.body['metadata']['name']}"
        )
        return ""

    def _delete_pod_of(self, ds: Obj, pod: Obj) -> Gen:
        """RealPodControl.DeletePod."""
        meta = pod["metadata"]
        response: Response = yield from self.request(
            "DELETE", path_of("pods", meta.get("namespace", ""), meta["name"]), {}
        )
        if response.ok:
            self.recorder.event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {meta['name']}")
            return ""
        self.expectations.deletion_observed(key_of(ds), pod_key(pod))
        if response.code == 404:
            return ""
        message = error_message(response)
        self.recorder.event(ds, "Warning", "FailedDelete", f"Error deleting: {message}")
        return message

    # ---- rollingUpdate (update.go) -----------------------------------------------------------
    def rolling_update(self, ds: Obj, selector: LabelSelector, nodes: list[Obj], hash_: str) -> Gen:
        """rollingUpdate without surge: delete old pods while at most maxUnavailable nodes are
        without an available pod; manage then creates their replacements."""
        by_node = yield from self._node_to_daemon_pods(ds, selector)
        desired = 0
        for node in nodes:
            if util.should_run(node, ds)[0]:
                desired += 1
                by_node.setdefault(node["metadata"]["name"], [])
        rolling = (ds["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
        # updatedDesiredNodeCounts: util.UnavailableCount rounds a percentage up.
        max_unavailable = scaled_value(rolling.get("maxUnavailable", 1), desired, True)
        if desired > 0 and max_unavailable == 0:
            max_unavailable = 1
        generation = util.template_generation(ds)
        min_ready = ds["spec"].get("minReadySeconds") or 0
        unavailable = 0
        replace: list[Obj] = []  # allowedReplacementPods: old and not available anyway
        candidates: list[Obj] = []
        for name in sorted(by_node):
            found = _updated_and_old(by_node[name], hash_, generation)
            if found is None:
                unavailable += 1
                continue
            new, old = found
            if (new is None) == (old is None):
                unavailable += 1  # manage creates or deletes here
            elif new is not None:
                if not is_pod_available(new, min_ready, self.now):
                    unavailable += 1
            elif old is not None and not is_pod_available(old, min_ready, self.now):
                replace.append(old)
                unavailable += 1
            elif unavailable < max_unavailable and old is not None:
                candidates.append(old)
        room = max(0, min(max_unavailable - unavailable, len(candidates)))
        doomed = replace + candidates[:room]
        if not doomed:
            return []
        nodes_text = _nodes_text([util.target_node(p) for p in doomed])
        self.milestone(
            f"The DaemonSet controller replaces the pod of {ds['metadata']['name']} on "
            f"{nodes_text} with one of the new template: at most {max_unavailable} of "
            f"{desired} nodes may be without an available pod (maxUnavailable "
            f"{rolling.get('maxUnavailable', 1)})",
            ds,
            4,
            4,
            count=len(doomed),
        )
        errors = yield from self.sync_nodes(ds, doomed, [], hash_)
        return errors

    # ---- status ------------------------------------------------------------------------------
    def update_status(
        self, ds: Obj, selector: LabelSelector, nodes: list[Obj], hash_: str, observed: bool
    ) -> Gen:
        """updateDaemonSetStatus and storeDaemonSetStatus."""
        by_node = yield from self._node_to_daemon_pods(ds, selector)
        generation = util.template_generation(ds)
        min_ready = ds["spec"].get("minReadySeconds") or 0
        counts = dict.fromkeys(
            ("desired", "current", "misscheduled", "ready", "updated", "available"), 0
        )
        for node in nodes:
            pods = by_node.get(node["metadata"]["name"]) or []
            if not util.should_run(node, ds)[0]:
                counts["misscheduled"] += bool(pods)
                continue
            counts["desired"] += 1
            if not pods:
                continue
            counts["current"] += 1
            pod = sorted(pods, key=_created)[0]
            if is_pod_ready(pod):
                counts["ready"] += 1
                counts["available"] += is_pod_available(pod, min_ready, self.now)
            counts["updated"] += util.is_pod_updated(pod, hash_, generation)
        status = {
            "currentNumberScheduled": counts["current"],
            "numberMisscheduled": counts["misscheduled"],
            "desiredNumberScheduled": counts["desired"],
            "numberReady": counts["ready"],
            "updatedNumberScheduled": counts["updated"],
            "numberAvailable": counts["available"],
            "numberUnavailable": counts["desired"] - counts["available"],
        }
        if min_ready and counts["ready"] != counts["available"]:
            self.enqueue_after(key_of(ds), min_ready)
        yield from self._store_status(ds, status, observed)

    def _store_status(self, ds: Obj, wanted: Obj, observed: bool) -> Gen:
        generation = ds["metadata"].get("generation", 0)
        old = ds.get("status") or {}
        if all(old.get(k, 0) == v for k, v in wanted.items()) and (
            old.get("observedGeneration", 0) >= generation
        ):
            return
        meta = ds["metadata"]
        current = ds
        for attempt in range(STATUS_UPDATE_RETRIES + 1):
            body = deep_copy_json(current)
            status = body.setdefault("status", {})
            if observed:
                status["observedGeneration"] = generation
            for k, v in wanted.items():
                if v or k in (
                    "currentNumberScheduled",
                    "numberMisscheduled",
                    "desiredNumberScheduled",
                    "numberReady",
                ):
                    status[k] = v
                else:
                    status.pop(k, None)  # omitempty
            response: Response = yield from self.request(
                "PUT",
                path_of("daemonsets", meta.get("namespace", ""), meta["name"], "status"),
                body,
            )
            if response.ok:
                return
            if attempt == STATUS_UPDATE_RETRIES:
                break
            fresh: Response = yield from self.request(
                "GET", path_of("daemonsets", meta.get("namespace", ""), meta["name"])
            )
            if not fresh.ok:
                raise SyncError(error_message(fresh))
            current = fresh.body
        raise SyncError(error_message(response))


def _selector(ds: Obj) -> LabelSelector | None:
    try:
        return selector_from_match((ds.get("spec") or {}).get("selector"))
    except (SelectorError, TypeError, AttributeError):
        return None


def _collision_count(ds: Obj) -> int | None:
    value = (ds.get("status") or {}).get("collisionCount")
    return value if isinstance(value, int) else None


def _updated_and_old(pods: list[Obj], hash_: str, generation: str) -> tuple[Any, Any] | None:
    """findUpdatedPodsOnNode: the node's one new and one old pod; None if it has two of
    either (manage sorts that out first)."""
    new = old = None
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        if util.is_pod_updated(pod, hash_, generation):
            if new is not None:
                return None
            new = pod
        elif old is not None:
            return None
        else:
            old = pod
    return new, old
