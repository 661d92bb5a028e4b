"""The replication manager (pkg/controller/replication/replication_controller.go).

Upstream it is the ReplicaSet controller itself (replicaset.NewBaseController), run on
ReplicationControllers through a conversion adapter (conversion.go): a ReplicationController
is read as a ReplicaSet whose selector is `matchLabels` of the RC's map, and it writes back
ReplicationController status. So here: the ReplicaSet controller with the RC's resource, kind
and names. Events are recorded by `replication-controller` (its EventSource component), as
the ServiceAccount it runs as is named.
"""

from __future__ import annotations

from typing import Any

from engine.controllers.replicaset import ReplicaSetController

Obj = dict[str, Any]


class ReplicationManager(ReplicaSetController):
    name = "replicationcontroller-controller"  # names.ReplicationControllerController
    service_account = "replication-controller"
    event_source = "replication-controller"
    workers = 5  # --concurrent-rc-syncs
    kind = "ReplicationController"
    resource = "replicationcontrollers"
    story_name = "replication manager"
    terminating_status = False  # ReplicationControllerStatus has no terminatingReplicas

    def label_selector(self, rs: Obj) -> Any:
        """Convert_v1_ReplicationControllerSpec_To_apps_ReplicaSetSpec: the map as matchLabels
        (a map of the wrong shape is passed on, to fail as the ReplicaSet's would)."""
        selector = (rs.get("spec") or {}).get("selector")
        return {"matchLabels": selector} if isinstance(selector, dict) else selector
