"""containerd's image service on one node (CRI ImageService): the images it holds, their
status, and pulls — resolve, then fetch the layers not already here; concurrent pulls of one
image share the download.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.node.cri import CRI_LATENCY, CRIError, call
from engine.node.registry import REGISTRY, SANDBOX_IMAGE, Image, PullError, Reference
from engine.sim import Event
from engine.trace import ObjectRef

if TYPE_CHECKING:
    from engine.context import Context

Gen = Generator[Any, Any, Any]


@dataclass
class _StoredImage:
    image: Image
    names: set[str]


class ImageService:
    def __init__(self, context: Context, runtime_id: str) -> None:
        self.context = context
        self.id = runtime_id
        self._images: dict[str, _StoredImage] = {}  # image id -> stored
        self._downloads: dict[str, Event] = {}  # image id -> layers being fetched
        sandbox = REGISTRY.image(SANDBOX_IMAGE)
        self._store(sandbox, SANDBOX_IMAGE)  # pre-pulled

    def has_image(self, name: str) -> Image | None:
        for stored in self._images.values():
            if name in stored.names:
                return stored.image
        return None

    def image_list(self) -> list[dict[str, Any]]:
        """status.images: each image with its digest and tag names and size, biggest first
        (pkg/kubelet/nodestatus/setters.go Images, nodeStatusMaxImages 50)."""
        ordered = sorted(self._images.values(), key=lambda s: (-s.image.size, s.image.repo_digest))
        return [
            {"names": [s.image.repo_digest, *sorted(s.names)], "sizeBytes": s.image.size}
            for s in ordered[:50]
        ]

    def image_status(self, caller: str, ref: Reference, pod: ObjectRef) -> Gen:
        def work() -> Gen:
            yield 0
            return self.has_image(ref.name)

        def reply(image: Image | None) -> tuple[str, dict[str, Any]]:
            if image is None:
                return f"{ref.name} is not on this node", {"present": False}
            return (
                f"{ref.name} is present ({image.size} bytes)",
                {"present": True, "imageRef": image.image_id, "bytes": image.size},
            )

        return (
            yield from call(
                self.context,
                self.id,
                caller,
                "ImageStatus",
                ref.original,
                pod,
                work(),
                reply,
                {"image": ref.name},
            )
        )

    def pull_image(self, caller: str, ref: Reference, pod: ObjectRef) -> Gen:
        """PullImage: resolve, then fetch the layers not already here. Concurrent pulls of the
        same image share one download. Returns (image, seconds the pull took)."""
        timings = self.context.timings
        started = self.context.env.now
        try:
            image: Image | None = REGISTRY.resolve(ref)
        except PullError:
            image = None
        assert image is None or isinstance(image, Image)
        missing = image is not None and image.image_id not in self._images
        expected = timings.image_pull_overhead + (
            image.size / timings.image_pull_bandwidth if image is not None and missing else 0.0
        )

        def work() -> Gen:
            yield timings.image_pull_overhead  # resolve the tag, fetch the manifest
            try:
                found = REGISTRY.resolve(ref)
            except PullError as error:
                raise CRIError(error.code, error.desc, "ErrImagePull") from error
            if found.image_id not in self._images:
                download = self._downloads.get(found.image_id)
                if download is None:
                    download = self._downloads[found.image_id] = self.context.env.event()
                    yield found.size / timings.image_pull_bandwidth
                    self._downloads.pop(found.image_id, None)
                    download.succeed()
                else:
                    yield download
            self._store(found, ref.name)
            return found, self.context.env.now - started - CRI_LATENCY

        def reply(result: tuple[Image, float]) -> tuple[str, dict[str, Any]]:
            pulled, took = result
            return (
                f"Pulled {ref.name} ({pulled.size} bytes) in {took:.3f}s",
                {"imageRef": pulled.repo_digest, "bytes": pulled.size, "duration": round(took, 6)},
            )

        return (
            yield from call(
                self.context,
                self.id,
                caller,
                "PullImage",
                ref.original,
                pod,
                work(),
                reply,
                {
                    "image": ref.name,
                    "bytes": image.size if image is not None and missing else 0,
                    "duration": round(expected, 6),
                },
            )
        )

    def _store(self, image: Image, name: str) -> None:
        stored = self._images.get(image.image_id)
        if stored is None:
            stored = self._images[image.image_id] = _StoredImage(image, set())
        stored.names.add(name)
