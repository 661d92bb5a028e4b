"""The service account controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
every active namespace has a ServiceAccount named `default`, the identity its pods run as
when they name none. It is made when the namespace appears and again if someone deletes it.

While it is missing (the moments after `kubectl create namespace`), the API server refuses
pods there: "error looking up service account <ns>/default" (engine/apiserver/admission.py).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from engine.apiserver.request import Response
from engine.client.informer import Handlers
from engine.controllers.base import Controller, path_of

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]

# serviceaccounts_controller.go DefaultServiceAccountsControllerOptions
ACCOUNTS_TO_ENSURE = ("default",)


class ServiceAccountsController(Controller):
    name = "serviceaccount-controller"
    service_account = "service-account-controller"
    event_source = "service-account-controller"
    workers = 1  # controllermanager starts it with one worker
    kind = "Namespace"

    def __init__(self, manager: Any) -> None:
        super().__init__(manager)
        self.namespaces = self.informers.namespaces
        self.accounts = self.informers.get("serviceaccounts")

    def register(self) -> None:
        def namespace(obj: Obj) -> None:
            self.queue.add(obj["metadata"]["name"])

        def account_gone(obj: Obj) -> None:  # serviceAccountDeleted: only ours matter
            if obj["metadata"]["name"] in ACCOUNTS_TO_ENSURE:
                self.queue.add(obj["metadata"].get("namespace", ""))

        self.namespaces.add_handlers(Handlers(namespace, lambda _old, cur: namespace(cur)))
        self.accounts.add_handlers(Handlers(on_delete=account_gone))

    def synced_resources(self) -> tuple[str, ...]:
        return ("namespaces", "serviceaccounts")

    def sync(self, key: str) -> Gen:
        """syncNamespace."""
        namespace = self.namespaces.get(key)
        if namespace is None or (namespace.get("status") or {}).get("phase") != "Active":
            return  # gone or Terminating: nothing is made there any more
        for name in ACCOUNTS_TO_ENSURE:
            if self.accounts.get(f"{key}/{name}") is not None:
                continue
            yield from self.work()
            body = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}
            response: Response = yield from self.request(
                "POST", path_of("serviceaccounts", key), body
            )
            if response.code not in (201, 409):  # AlreadyExists: someone was quicker
                self.must(response)
