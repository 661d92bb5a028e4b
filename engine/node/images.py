"""The kubelet's image manager (pkg/kubelet/images/image_manager.go EnsureImageExists,
puller.go serialImagePuller): honour imagePullPolicy, pull through the runtime one image at a
time (serializeImagePulls defaults to true), back off after failures, and record the events
learners see: Pulling, Pulled, Failed, BackOff, ErrImageNeverPull, InspectFailed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import timeutil
from engine.node.backoff import Backoff
from engine.node.cri import CRIError
from engine.node.registry import invalid_reference_reason, parse_reference
from engine.sim import Event
from engine.trace import ref_of

if TYPE_CHECKING:
    from engine.node.kubelet import Kubelet

Gen = Generator[Any, Any, Any]
Obj = dict[str, Any]


@dataclass(frozen=True)
class ImageResult:
    """What EnsureImageExists returns: the image to run, or why it cannot be had."""

    name: str = ""  # normalised reference the runtime knows the image by
    reason: str = ""  # ErrImagePull, ImagePullBackOff, ErrImageNeverPull, InvalidImageName
    message: str = ""
    pulled: tuple[int, float] | None = None  # (bytes, seconds) when it was pulled just now

    @property
    def ok(self) -> bool:
        return not self.reason


def go_ms(seconds: float) -> str:
    """A Go duration truncated to milliseconds, as the Pulled event prints it."""
    return timeutil.go_duration(math.floor(round(seconds * 1000, 6)) / 1000)


class ImageManager:
    def __init__(self, kubelet: Kubelet) -> None:
        self.kubelet = kubelet
        timings = kubelet.context.timings
        self.backoff = Backoff(timings.crash_backoff_initial, timings.crash_backoff_max)
        self._last_error: dict[str, str] = {}
        self._pulling = False
        self._waiting: deque[Event] = deque()

    def ensure_image_exists(self, pod: Obj, container: Obj, field_path: str) -> Gen:
        """Make sure the container's image is on the node; returns an ImageResult."""
        kubelet = self.kubelet
        image = str(container.get("image", ""))
        ref = parse_reference(image)
        if ref is None:
            message = (
                f'Failed to apply default image tag "{image}": couldn\'t parse image name '
                f'"{image}": {invalid_reference_reason(image)}'
            )
            kubelet.event(pod, "Warning", "InspectFailed", message, field_path)
            return ImageResult(reason="InvalidImageName", message=message)
        policy = container.get("imagePullPolicy") or "IfNotPresent"
        present = yield from kubelet.runtime.images.image_status(kubelet.id, ref, ref_of(pod))
        if present is not None and policy != "Always":
            kubelet.event(
                pod,
                "Normal",
                "Pulled",
                f'Container image "{image}" already present on machine',
                field_path,
            )
            return ImageResult(ref.name)
        if present is None and policy == "Never":
            message = f'Container image "{image}" is not present with pull policy of Never'
            kubelet.event(pod, "Warning", "ErrImageNeverPull", message, field_path)
            return ImageResult(reason="ErrImageNeverPull", message=message)

        key = f"{pod['metadata']['uid']}_{image}"
        now = kubelet.context.env.now
        if self.backoff.is_in_backoff_since_update(key, now):
            message = f'Back-off pulling image "{image}"'
            kubelet.event(pod, "Normal", "BackOff", message, field_path)
            previous = self._last_error.get(key)
            if previous:
                message += f": ErrImagePull: {previous}"  # 1.32+: the pull error is kept
            return ImageResult(reason="ImagePullBackOff", message=message)

        kubelet.event(pod, "Normal", "Pulling", f'Pulling image "{image}"', field_path)
        started = kubelet.context.env.now
        yield from self._acquire()
        try:
            pulled, took = yield from kubelet.runtime.images.pull_image(
                kubelet.id, ref, ref_of(pod)
            )
        except CRIError as error:
            kubelet.event(
                pod, "Warning", "Failed", f'Failed to pull image "{image}": {error}', field_path
            )
            self.backoff.next(key, kubelet.context.env.now)
            if self._last_error.get(key) != str(error):  # once a reason, not at every retry
                kubelet.milestone(
                    f"The container runtime on {kubelet.node_name} cannot pull image {image}: "
                    f"{_plainly(str(error))}. The kubelet tries again, waiting longer each time "
                    "(ErrImagePull, then ImagePullBackOff)",
                    pod,
                    image=image,
                )
            self._last_error[key] = str(error)
            return ImageResult(reason="ErrImagePull", message=str(error))
        finally:
            self._release()
        self._last_error.pop(key, None)
        total = kubelet.context.env.now - started
        kubelet.event(
            pod,
            "Normal",
            "Pulled",
            f'Successfully pulled image "{image}" in {go_ms(took)} ({go_ms(total)} including '
            f"waiting). Image size: {pulled.size} bytes.",
            field_path,
        )
        return ImageResult(ref.name, pulled=(pulled.size, took))

    # serialImagePuller: one pull at a time per node
    def _acquire(self) -> Gen:
        while self._pulling:
            waiter = self.kubelet.context.env.event()
            self._waiting.append(waiter)
            yield waiter
        self._pulling = True

    def _release(self) -> None:
        self._pulling = False
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.triggered:
                waiter.succeed()
                return


def _plainly(error: str) -> str:
    """A pull error in a beginner's words; the runtime's own stays in the trace's details."""
    if "code = NotFound" in error:
        return "the registry has no image by that name and tag"
    return error
