"""StatefulPodControl (pkg/controller/statefulset/stateful_pod_control.go): a pod's claims
created before the pod, the pod created, deleted or put right, each with upstream's event on
the StatefulSet (recordPodEvent, recordClaimEvent):

    SuccessfulCreate  create Pod web-0 in StatefulSet web successful
    SuccessfulCreate  create Claim www-web-0 Pod web-0 in StatefulSet web success
    FailedCreate      create Pod web-0 in StatefulSet web failed error: <error>
    SuccessfulDelete  delete Pod web-1 in StatefulSet web successful
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Response
from engine.controllers.base import error_message, path_of
from engine.controllers.statefulset import utils

if TYPE_CHECKING:
    from engine.controllers.statefulset.controller import StatefulSetController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


class StatefulPodError(Exception):
    """A pod or claim request the API server refused: the sync fails and is retried."""


def _pod_event(ssc: StatefulSetController, verb: str, sts: Obj, pod: Obj, error: str) -> None:
    """recordPodEvent."""
    pod_name, name = pod["metadata"]["name"], sts["metadata"]["name"]
    if not error:
        message = f"{verb} Pod {pod_name} in StatefulSet {name} successful"
        ssc.recorder.event(sts, "Normal", f"Successful{verb.title()}", message)
    else:
        message = f"{verb} Pod {pod_name} in StatefulSet {name} failed error: {error}"
        ssc.recorder.event(sts, "Warning", f"Failed{verb.title()}", message)


def _claim_event(
    ssc: StatefulSetController, verb: str, sts: Obj, pod: Obj, claim: str, error: str
) -> None:
    """recordClaimEvent."""
    pod_name, name = pod["metadata"]["name"], sts["metadata"]["name"]
    if not error:
        message = f"{verb} Claim {claim} Pod {pod_name} in StatefulSet {name} success"
        ssc.recorder.event(sts, "Normal", f"Successful{verb.title()}", message)
    else:
        message = (
            f"{verb} Claim {claim} for Pod {pod_name} in StatefulSet {name} failed error: {error}"
        )
        ssc.recorder.event(sts, "Warning", f"Failed{verb.title()}", message)


def create_missing_claims(ssc: StatefulSetController, sts: Obj, pod: Obj) -> Gen:
    """createPersistentVolumeClaims: each of the pod's claims that does not exist yet. Returns
    the errors (a claim being deleted is one: the pod must wait for it to go)."""
    errors: list[str] = []
    namespace = sts["metadata"].get("namespace", "")
    for claim in utils.claims_for(sts, utils.ordinal_of(pod)):
        name = claim["metadata"]["name"]
        existing = ssc.claims.get(f"{namespace}/{name}")
        if existing is not None:
            if existing["metadata"].get("deletionTimestamp"):
                errors.append(f"pvc {name} is being deleted")
            continue
        ssc.claim_story(sts, pod, name)
        response: Response = yield from ssc.request(
            "POST", path_of("persistentvolumeclaims", namespace), claim
        )
        if response.ok:
            _claim_event(ssc, "create", sts, pod, name, "")
            continue
        message = error_message(response)
        errors.append(f"failed to create PVC {name}: {message}")
        if response.code != 409:  # AlreadyExists is not reported
            _claim_event(ssc, "create", sts, pod, name, message)
    return errors


def create_pod(ssc: StatefulSetController, sts: Obj, pod: Obj, story: Callable[[], None]) -> Gen:
    """CreateStatefulPod: the claims first, then the pod (`story` tells it, in between)."""
    errors = yield from create_missing_claims(ssc, sts, pod)
    if errors:
        text = "; ".join(errors) if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        _pod_event(ssc, "create", sts, pod, text)
        raise StatefulPodError(text)
    story()
    namespace = sts["metadata"].get("namespace", "")
    response: Response = yield from ssc.request("POST", path_of("pods", namespace), pod)
    if response.code == 409:  # sink AlreadyExists: the cache is behind
        raise StatefulPodError(error_message(response))
    _pod_event(ssc, "create", sts, pod, "" if response.ok else error_message(response))
    if not response.ok:
        raise StatefulPodError(error_message(response))
    yield from update_claim_owners(ssc, sts, response.body)  # as far as is possible now


def update_claim_owners(ssc: StatefulSetController, sts: Obj, pod: Obj) -> Gen:
    """UpdatePodClaimForRetentionPolicy: each existing claim of the pod whose ownerReferences
    do not say what the retention policy wants (ClaimsMatchRetentionPolicy) is updated."""
    namespace = sts["metadata"].get("namespace", "")
    for wanted in utils.claims_for(sts, utils.ordinal_of(pod)):
        claim = ssc.claims.get(f"{namespace}/{wanted['metadata']['name']}")
        if claim is None or claim["metadata"].get("deletionTimestamp"):
            continue
        owners = utils.claim_owners(claim, sts, pod)
        if owners == (claim["metadata"].get("ownerReferences") or []):
            continue
        body = copy.deepcopy(claim)
        body["metadata"]["ownerReferences"] = owners
        response: Response = yield from ssc.request(
            "PUT", path_of("persistentvolumeclaims", namespace, claim["metadata"]["name"]), body
        )
        if not response.ok:
            raise StatefulPodError(
                f"could not update claim {claim['metadata']['name']} for delete policy "
                f"ownerRefs: {error_message(response)}"
            )


def delete_pod(ssc: StatefulSetController, sts: Obj, pod: Obj) -> Gen:
    """DeleteStatefulPod."""
    meta = pod["metadata"]
    response: Response = yield from ssc.request(
        "DELETE", path_of("pods", meta.get("namespace", ""), meta["name"]), {}
    )
    _pod_event(ssc, "delete", sts, pod, "" if response.ok else error_message(response))
    if not response.ok:
        raise StatefulPodError(error_message(response))


def update_pod(ssc: StatefulSetController, sts: Obj, pod: Obj) -> Gen:
    """UpdateStatefulPod: the pod's identity and storage put back, its claims made."""
    yield from create_missing_claims(ssc, sts, pod)
    fixed = utils.update_identity_and_storage(sts, pod)
    meta = pod["metadata"]
    response: Response = yield from ssc.request(
        "PUT", path_of("pods", meta.get("namespace", ""), meta["name"]), fixed
    )
    _pod_event(ssc, "update", sts, pod, "" if response.ok else error_message(response))
    if not response.ok:
        raise StatefulPodError(error_message(response))
