"""ImageLocality: prefer nodes that already have the pod's images, weighted by image size and
by how few nodes have them (plugins/imagelocality/image_locality.go).

Node images come from node.status.images, which the kubelet reports; a node without the field
has no images."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.scheduler.framework import MAX_NODE_SCORE, CycleState, ScorePlugin
from engine.scheduler.types import NodeInfo, PodInfo

if TYPE_CHECKING:
    from engine.scheduler.framework import Handle

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB  # a small image is not worth preferring a node for
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    """An image without a tag means :latest."""
    if name.rfind(":") <= name.rfind("/"):
        name += ":latest"
    return name


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), max_threshold)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality(ScorePlugin):
    name = "ImageLocality"

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def score(self, state: CycleState, pod: PodInfo, node_info: NodeInfo) -> int:
        return self.score_nodes(state, pod, [node_info])[0]

    def score_nodes(self, state: CycleState, pod: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        cache = self.handle.cache
        total_nodes = cache.num_nodes()
        images = [normalized_image_name(image) for image in pod.spec.images]
        # (image, the share of nodes that have it), for the pod's images some node has
        present = [
            (image, len(holders) / total_nodes)
            for image in images
            if (holders := cache.image_nodes.get(image))
        ]
        bound = sum(int(cache.image_size[image] * spread) for image, spread in present)
        if bound < MIN_THRESHOLD:
            # Even a node with all of them would score 0 (the usual case: only the small
            # pause image is everywhere): no need to look at each node.
            return [0] * len(nodes)
        priority: dict[int, int] = {}
        scores = []
        for node in nodes:
            total = 0
            for image, spread in present:
                size = node.images.get(image)
                if size is not None:
                    # scaledImageScore: an image on every node is no reason to pick this one
                    total += int(size * spread)
            if total not in priority:
                priority[total] = calculate_priority(total, len(images))
            scores.append(priority[total])
        return scores
