"""Rolling back through the deprecated `deprecated.deployment.rollback.to` annotation
(pkg/controller/deployment/rollback.go), what an extensions/v1beta1 or apps/v1beta1 rollback
left behind. Modern `kubectl rollout undo` does not use it: it patches spec.template itself, and
the Deployment controller then finds the old ReplicaSet by its template.

Events: DeploymentRollback `Rolled back deployment %q to revision %d`, warnings
DeploymentRollbackRevisionNotFound and DeploymentRollbackTemplateUnchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from engine.apiserver.request import Response
from engine.controllers.base import path_of
from engine.controllers.deployment import util
from engine.controllers.deployment.sync import get_all_replica_sets_and_sync_revision

if TYPE_CHECKING:
    from engine.controllers.deployment.controller import DeploymentController

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

ROLLBACK_DONE = "DeploymentRollback"
ROLLBACK_REVISION_NOT_FOUND = "DeploymentRollbackRevisionNotFound"
ROLLBACK_TEMPLATE_UNCHANGED = "DeploymentRollbackTemplateUnchanged"


def rollback(dc: DeploymentController, d: Obj, rs_list: list[Obj]) -> Gen:
    new_rs, old_rss = yield from get_all_replica_sets_and_sync_revision(dc, d, rs_list, True)
    all_rss = [rs for rs in [*old_rss, new_rs] if rs is not None]
    revision = util.get_rollback_to(d) or 0
    if revision == 0:
        revision = util.last_revision(all_rss)
        if revision == 0:
            dc.recorder.event(
                d, "Warning", ROLLBACK_REVISION_NOT_FOUND, "Unable to find last revision."
            )
            yield from _clear_rollback_to(dc, d)
            return
    for rs in all_rss:
        if util.revision_of(rs) == revision:
            done = yield from _rollback_to_template(dc, d, rs)
            if done:
                dc.recorder.event(
                    d,
                    "Normal",
                    ROLLBACK_DONE,
                    f'Rolled back deployment "{d["metadata"]["name"]}" to revision {revision}',
                )
            return
    dc.recorder.event(
        d, "Warning", ROLLBACK_REVISION_NOT_FOUND, "Unable to find the revision to rollback to."
    )
    yield from _clear_rollback_to(dc, d)


def _rollback_to_template(dc: DeploymentController, d: Obj, rs: Obj) -> Gen:
    template = rs["spec"].get("template") or {}
    done = False
    if not util.equal_ignore_hash(d["spec"].get("template") or {}, template):
        # SetFromReplicaSetTemplate, then SetDeploymentAnnotationsTo
        d["spec"]["template"] = util.without_hash(copy.deepcopy(template))
        kept = {k: v for k, v in util.annotations_of(d).items() if k in util.ANNOTATIONS_TO_SKIP}
        kept.update(
            {k: v for k, v in util.annotations_of(rs).items() if k not in util.ANNOTATIONS_TO_SKIP}
        )
        d["metadata"]["annotations"] = kept
        done = True
    else:
        dc.recorder.event(
            d,
            "Warning",
            ROLLBACK_TEMPLATE_UNCHANGED,
            "The rollback revision contains the same template as current deployment "
            f'"{d["metadata"]["name"]}"',
        )
    yield from _clear_rollback_to(dc, d)
    return done


def _clear_rollback_to(dc: DeploymentController, d: Obj) -> Gen:
    """updateDeploymentAndClearRollbackTo: an Update of the whole Deployment."""
    annotations = dict(util.annotations_of(d))
    annotations.pop(util.ROLLBACK_TO, None)
    d["metadata"]["annotations"] = annotations
    meta = d["metadata"]
    response: Response = yield from dc.request(
        "PUT", path_of("deployments", meta.get("namespace", ""), meta["name"]), d
    )
    dc.must(response)
