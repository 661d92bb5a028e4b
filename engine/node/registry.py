"""The container image registries the simulated nodes pull from: Docker Hub and registry.k8s.io.

A small catalogue of the images learners use, with realistic tags and sizes (compressed
linux/amd64 content, what containerd reports as "Image size" in the kubelet's Pulled event) and
stable digests. Anything else fails to pull with the error text containerd gives
(containerd/containerd core/remotes/docker/resolver.go, pkg/cri/server/images/image_pull.go).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

DOCKER_HUB = "docker.io"

# distribution/reference's grammar (docker/distribution reference/regexp.go).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"(?:({_DOMAIN})/)?({_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?"
)


@dataclass(frozen=True)
class Image:
    """One image's content: every tag in `tags` names the same bytes."""

    repository: str  # fully qualified: docker.io/library/nginx
    tags: tuple[str, ...]
    size: int  # bytes, as containerd reports it
    family: str  # what the image is, for the behaviour model: nginx, redis, busybox, ...
    version: str  # the software version inside, for log lines

    # Derived in __post_init__ (stable hashes of name and version; computed once).
    digest: str = ""  # the repo digest (manifest list digest)
    image_id: str = ""  # the config digest containerd uses as the image id
    repo_digest: str = ""  # what containerStatuses[].imageID shows: docker.io/library/x@sha256:…

    def __post_init__(self) -> None:
        what = f"{self.repository}:{self.version}:{self.tags[0]}"
        object.__setattr__(self, "digest", "sha256:" + _hash(f"manifest:{what}"))
        object.__setattr__(self, "image_id", "sha256:" + _hash(f"config:{what}"))
        object.__setattr__(self, "repo_digest", f"{self.repository}@{self.digest}")


@dataclass(frozen=True)
class Reference:
    """A parsed image reference, normalised the way containerd normalises it."""

    original: str  # as written in the pod spec
    repository: str  # docker.io/library/nginx
    tag: str  # "" when pulled by digest only
    digest: str  # "" unless @sha256:… was given

    @property
    def name(self) -> str:
        """docker.io/library/nginx:1.27 (or …@sha256:… for a digest reference)."""
        if self.digest:
            return f"{self.repository}@{self.digest}"
        return f"{self.repository}:{self.tag}"

    @property
    def domain(self) -> str:
        return self.repository.split("/", 1)[0]


class PullError(Exception):
    """A failed PullImage, as the CRI reports it: `rpc error: code = <code> desc = <desc>`."""

    def __init__(self, code: str, desc: str) -> None:
        super().__init__(f"rpc error: code = {code} desc = {desc}")
        self.code = code
        self.desc = desc


def parse_reference(image: str) -> Reference | None:
    """docker.io/distribution normalisation (reference.ParseNormalizedNamed + TagNameOnly):
    `nginx` → docker.io/library/nginx:latest. None if the reference is malformed."""
    match = _REFERENCE.fullmatch(image)
    if match is None:
        return None
    domain, path, tag, digest = match.groups()
    if domain and "." not in domain and ":" not in domain and domain != "localhost":
        # `user/app`: the first component is a Docker Hub user, not a registry host.
        path, domain = f"{domain}/{path}", None
    domain = domain or DOCKER_HUB
    if domain == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    if not tag and not digest:
        tag = "latest"
    return Reference(image, f"{domain}/{path}", tag or "", digest or "")


def invalid_reference_reason(image: str) -> str:
    """The parse error the kubelet reports for an InvalidImageName (reference/normalize.go)."""
    if image != image.lower() and _REFERENCE.fullmatch(image.lower()):
        name = image.split(":")[0].split("@")[0]
        if "/" not in name:
            name = f"library/{name}"
        return f"invalid reference format: repository name ({name}) must be lowercase"
    return "invalid reference format"


class Registry:
    """Every registry the cluster can reach, as one catalogue."""

    def __init__(self, images: tuple[Image, ...]) -> None:
        self._by_tag: dict[tuple[str, str], Image] = {}
        self._by_digest: dict[tuple[str, str], Image] = {}
        self._repositories: set[str] = set()
        for image in images:
            self._repositories.add(image.repository)
            self._by_digest[(image.repository, image.digest)] = image
            for tag in image.tags:
                self._by_tag[(image.repository, tag)] = image

    def resolve(self, ref: Reference) -> Image:
        """The image a reference names, or the PullError containerd would return."""
        if ref.digest:
            found = self._by_digest.get((ref.repository, ref.digest))
        else:
            found = self._by_tag.get((ref.repository, ref.tag))
        if found is not None:
            return found
        what = ref.name
        prefix = f'failed to pull and unpack image "{what}": failed to resolve reference "{what}"'
        if ref.domain not in (DOCKER_HUB, "registry.k8s.io", "quay.io", "ghcr.io", "gcr.io"):
            host = ref.domain.split(":")[0]
            raise PullError(
                "Unknown",
                f"{prefix}: failed to do request: Head "
                f'"https://{ref.domain}/v2/{ref.repository.split("/", 1)[1]}/manifests/'
                f'{ref.tag or ref.digest}": dial tcp: lookup {host}: no such host',
            )
        if ref.repository not in self._repositories:
            # Docker Hub answers 401 for a repository that does not exist (it will not say
            # whether a private one does).
            raise PullError(
                "Unknown",
                f"{prefix}: pull access denied, repository does not exist or may require "
                "authorization: server message: insufficient_scope: authorization failed",
            )
        raise PullError("NotFound", f"{prefix}: {what}: not found")

    def image(self, name: str) -> Image:
        """Look up a catalogue image by reference text (for pre-loading nodes)."""
        ref = parse_reference(name)
        assert ref is not None, name
        return self.resolve(ref)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _images(
    repository: str, family: str, rows: list[tuple[tuple[str, ...], str, int]]
) -> list[Image]:
    return [Image(repository, tags, size, family, version) for tags, version, size in rows]


_LIB = f"{DOCKER_HUB}/library"

CATALOGUE: tuple[Image, ...] = tuple(
    _images(
        f"{_LIB}/nginx",
        "nginx",
        [
            (("1.25", "1.25.5"), "1.25.5", 70_555_106),
            (("1.26", "1.26.3"), "1.26.3", 71_042_883),
            (("1.27", "1.27.5"), "1.27.5", 72_218_932),
            (("1.28", "1.28.0", "stable"), "1.28.0", 72_395_207),
            (("1.29", "1.29.1", "mainline", "latest"), "1.29.1", 72_519_860),
            (("1.27-alpine", "1.27.5-alpine"), "1.27.5", 20_712_594),
            (("1.28-alpine", "stable-alpine"), "1.28.0", 20_950_441),
            (("alpine", "1.29-alpine", "1.29.1-alpine", "mainline-alpine"), "1.29.1", 21_197_339),
        ],
    )
    + _images(
        f"{_LIB}/httpd",
        "httpd",
        [
            (("2.4", "2.4.63", "2", "latest"), "2.4.63", 58_412_331),
            (("alpine", "2.4-alpine", "2.4.63-alpine"), "2.4.63", 22_590_117),
        ],
    )
    + _images(
        f"{_LIB}/redis",
        "redis",
        [
            (("7.2", "7.2.7"), "7.2.7", 40_107_422),
            (("7", "7.4", "7.4.2"), "7.4.2", 45_118_993),
            (("8", "8.0", "8.0.3", "latest"), "8.0.3", 52_430_109),
            (("7-alpine", "7.4-alpine"), "7.4.2", 16_845_301),
            (("alpine", "8-alpine", "8.0-alpine"), "8.0.3", 17_372_240),
        ],
    )
    + _images(
        f"{_LIB}/postgres",
        "postgres",
        [
            (("15", "15.13"), "15.13", 150_882_040),
            (("16", "16.9"), "16.9", 157_400_214),
            (("17", "17.5", "latest"), "17.5", 158_951_067),
            (("16-alpine", "16.9-alpine"), "16.9", 104_918_003),
            (("alpine", "17-alpine", "17.5-alpine"), "17.5", 105_622_788),
        ],
    )
    + _images(
        f"{_LIB}/mysql",
        "mysql",
        [
            (("8.0", "8.0.42"), "8.0.42", 166_301_458),
            (("8.4", "8.4.5", "lts"), "8.4.5", 172_040_118),
            (("9", "9.3", "9.3.0", "latest"), "9.3.0", 178_915_322),
        ],
    )
    + _images(
        f"{_LIB}/memcached",
        "memcached",
        [
            (("1.6", "1.6.38", "latest"), "1.6.38", 31_205_670),
            (("alpine", "1.6-alpine"), "1.6.38", 5_512_117),
        ],
    )
    + _images(
        f"{_LIB}/busybox",
        "busybox",
        [
            (("1.36", "1.36.1"), "1.36.1", 2_155_862),
            (("1.37", "1.37.0", "stable", "latest"), "1.37.0", 2_211_008),
        ],
    )
    + _images(
        f"{_LIB}/alpine",
        "alpine",
        [
            (("3.19", "3.19.7"), "3.19.7", 3_419_706),
            (("3.20", "3.20.6"), "3.20.6", 3_624_880),
            (("3.21", "3.21.3"), "3.21.3", 3_642_139),
            (("3.22", "3.22.0", "3", "latest"), "3.22.0", 3_799_641),
        ],
    )
    + _images(
        f"{_LIB}/python",
        "python",
        [
            (("3.11", "3.11.13"), "3.11.13", 370_991_002),
            (("3.12", "3.12.11"), "3.12.11", 375_320_441),
            (("3.13", "3.13.5", "3", "latest"), "3.13.5", 378_822_130),
            (("3.12-slim",), "3.12.11", 45_102_773),
            (("3.13-slim", "slim"), "3.13.5", 45_810_321),
            (("alpine", "3.13-alpine"), "3.13.5", 16_893_552),
        ],
    )
    + _images(
        f"{_LIB}/node",
        "node",
        [
            (("20", "20.19"), "20.19.3", 391_322_510),
            (("22", "22.17", "lts", "latest"), "22.17.0", 397_012_007),
            (("20-alpine",), "20.19.3", 47_830_402),
            (("alpine", "22-alpine"), "22.17.0", 55_601_233),
        ],
    )
    + _images(
        f"{_LIB}/ubuntu",
        "ubuntu",
        [
            (("22.04", "jammy"), "22.04", 29_540_232),
            (("24.04", "noble", "latest"), "24.04", 29_723_155),
        ],
    )
    + _images(
        f"{_LIB}/debian",
        "debian",
        [
            (("bookworm", "12", "latest"), "12", 48_494_272),
            (("bookworm-slim", "12-slim", "stable-slim"), "12", 28_227_259),
        ],
    )
    + _images(
        f"{_LIB}/registry",
        "registry",
        [
            (("2", "2.8", "2.8.3"), "2.8.3", 9_961_820),
            (("3", "3.0", "3.0.0", "latest"), "3.0.0", 18_034_503),
        ],
    )
    + _images(
        f"{DOCKER_HUB}/polinux/stress",
        "stress",
        [(("1.0.4", "latest"), "1.0.4", 4_003_231)],
    )
    + _images(
        "registry.k8s.io/pause",
        "pause",
        [(("3.9",), "3.9", 321_520), (("3.10",), "3.10", 320_368)],
    )
    + _images(
        "registry.k8s.io/e2e-test-images/agnhost",
        "agnhost",
        [(("2.40",), "2.40", 51_123_307), (("2.52",), "2.52", 51_304_100)],
    )
)

SANDBOX_IMAGE = "registry.k8s.io/pause:3.10"  # containerd's sandbox_image (kubeadm default)

REGISTRY = Registry(CATALOGUE)
