"""The container image registries the simulated nodes pull from: Docker Hub, registry.k8s.io,
gcr.io, quay.io and any other.

The catalogue is data (engine/node/registry.yaml): the images learners and the Kubernetes docs
use, with their tags, software versions and sizes (compressed linux/amd64 content, what
containerd reports as "Image size" in the kubelet's Pulled event). The rule for a reference
(docs/containers.md "Images"):

- a listed repository has exactly its listed tags: any other tag is containerd's `not found`;
- a repository listed as absent, or on a host DNS cannot resolve, fails as containerd words it;
- any other repository exists, with every tag: its size and family come from its name, so it
  pulls the same way in every run and every process;
- a malformed reference is never pulled (the kubelet's InvalidImageName, engine/node/images.py).

Digests and image ids are stable hashes of name, version and tag.
Errors: containerd/containerd core/remotes/docker/resolver.go, pkg/cri/server/images/image_pull.go.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from engine import yamlsafe

DOCKER_HUB = "docker.io"
CATALOGUE_FILE = Path(__file__).with_name("registry.yaml")

# distribution/reference's grammar (docker/distribution reference/regexp.go).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_REFERENCE = re.compile(
    rf"(?:({_DOMAIN})/)?({_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?"
)

# Names DNS never resolves (RFC 6761 special-use domains; .local is multicast DNS, RFC 6762,
# which containerd's resolver does not use): a registry there is "no such host".
UNRESOLVABLE_SUFFIXES = (".example", ".invalid", ".local", ".test")

# An unlisted repository's compressed size: between these, picked by a hash of its name.
UNLISTED_SIZE = (5_000_000, 150_000_000)


@dataclass(frozen=True)
class AppServer:
    """How an `app` (or `liveness`) image's own server behaves (registry.yaml `server`)."""

    programs: tuple[str, ...] = ()  # executables that start it (besides the repository's name)
    port: int | None = 8080  # where it listens when the pod declares no containerPort
    protocol: str = "http"  # http: every path answers 200; tcp: accepts connections
    log: str = "Listening on port {port}"  # its start line (see image_logs.app_start)
    stream: str = "stdout"
    ignores_sigterm: bool = False  # PID 1 without a handler: killed when the grace period ends


# A family's server unless registry.yaml says otherwise: registry.k8s.io/liveness (and any
# other repository named `liveness`) is started as `/server`, the docs' `args: [/server]`.
FAMILY_SERVERS = {"liveness": AppServer(programs=("server",))}


@dataclass(frozen=True)
class Image:
    """One image's content: every tag in `tags` names the same bytes."""

    repository: str  # fully qualified: docker.io/library/nginx
    tags: tuple[str, ...]
    size: int  # bytes, as containerd reports it
    family: str  # what the image is, for the behaviour model: nginx, redis, busybox, app, ...
    version: str  # the software version inside, for log lines
    server: AppServer = field(default_factory=AppServer)  # for the app and liveness families

    # Derived in __post_init__ when not given (stable hashes of name and version).
    digest: str = ""  # the repo digest (manifest list digest)
    image_id: str = ""  # the config digest containerd uses as the image id
    repo_digest: str = ""  # what containerStatuses[].imageID shows: docker.io/library/x@sha256:…

    def __post_init__(self) -> None:
        what = f"{self.repository}:{self.version}:{self.tags[0] if self.tags else ''}"
        if not self.digest:
            object.__setattr__(self, "digest", "sha256:" + _hash(f"manifest:{what}"))
        if not self.image_id:
            object.__setattr__(self, "image_id", "sha256:" + _hash(f"config:{what}"))
        if not self.repo_digest:
            object.__setattr__(self, "repo_digest", f"{self.repository}@{self.digest}")

    @property
    def programs(self) -> tuple[str, ...]:
        """The executables that are this image's own server (app and liveness families)."""
        return (self.repository.rsplit("/", 1)[-1], *self.server.programs)


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
    """Every registry the cluster can reach, as one catalogue and one rule for the rest."""

    def __init__(
        self,
        images: list[Image],
        mirrors: dict[str, str],
        absent: list[str],
        families_by_name: dict[str, str],
    ) -> None:
        self.mirrors = mirrors  # host -> the registry whose content it serves
        self.absent = frozenset(absent)
        self.families_by_name = families_by_name
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
        domain, path = ref.repository.split("/", 1)
        listed = f"{self.mirrors.get(domain, domain)}/{path}"  # k8s.gcr.io/x → registry.k8s.io/x
        what = ref.name
        prefix = f'failed to pull and unpack image "{what}": failed to resolve reference "{what}"'
        if listed in self._repositories:
            if ref.digest:
                found = self._by_digest.get((listed, ref.digest))
            else:
                found = self._by_tag.get((listed, ref.tag))
            if found is None:
                raise PullError("NotFound", f"{prefix}: {what}: not found")
            if listed != ref.repository:  # the mirror's name, the same content
                return replace(found, repository=ref.repository, repo_digest="")
            return found
        host = domain.split(":")[0]
        if host.endswith(UNRESOLVABLE_SUFFIXES):
            raise PullError(
                "Unknown",
                f'{prefix}: failed to do request: Head "https://{domain}/v2/{path}/manifests/'
                f'{ref.tag or ref.digest}": dial tcp: lookup {host}: no such host',
            )
        if ref.repository in self.absent:
            # Docker Hub answers 401 for a repository that does not exist (it will not say
            # whether a private one does).
            raise PullError(
                "Unknown",
                f"{prefix}: pull access denied, repository does not exist or may require "
                "authorization: server message: insufficient_scope: authorization failed",
            )
        return self.unlisted(ref)

    def unlisted(self, ref: Reference) -> Image:
        """A repository the catalogue does not list: it exists, with whatever tag is asked
        for. Its size comes from a hash of its name; its family from its last path component
        (families_by_name), `app` otherwise; its version is the official image's for that tag
        when there is one (bitnami/redis:7.4 runs Redis 7.4.2), else the tag."""
        name = ref.repository.rsplit("/", 1)[-1]
        family = self.families_by_name.get(name, "app")
        low, high = UNLISTED_SIZE
        size = low + int(_hash(f"size:{ref.repository}"), 16) % (high - low)
        official = self._by_tag.get((f"{DOCKER_HUB}/library/{family}", ref.tag or "latest"))
        version = official.version if official else (ref.tag or "latest")
        tags = (ref.tag,) if ref.tag else ()
        server = FAMILY_SERVERS.get(family, AppServer())
        return Image(ref.repository, tags, size, family, version, server, digest=ref.digest)

    def image(self, name: str) -> Image:
        """Look up an image by reference text (for pre-loading nodes)."""
        ref = parse_reference(name)
        assert ref is not None, name
        return self.resolve(ref)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load(path: Path = CATALOGUE_FILE) -> Registry:
    """The registry described by a catalogue file (format: the comment at its top)."""
    data = yamlsafe.load_one(path.read_text(encoding="utf-8"))
    images: list[Image] = []
    for repository, entry in data["repositories"].items():
        server = _server(repository, entry["family"], entry.get("server"))
        for row in entry["images"]:
            tags, version, size = row["tags"], row["version"], row["size"]
            if not all(isinstance(t, str) for t in [*tags, version]) or not isinstance(size, int):
                raise ValueError(f"{path.name}: {repository} {row}: quote tags and version")
            images.append(Image(repository, tuple(tags), size, entry["family"], version, server))
    return Registry(images, data["mirrors"], data["absent"], data["families_by_name"])


def _server(repository: str, family: str, spec: dict[str, Any] | None) -> AppServer:
    defaults = FAMILY_SERVERS.get(family, AppServer())
    if spec is None:
        return defaults
    unknown = set(spec) - {"programs", "port", "protocol", "log", "stream", "sigterm"}
    if unknown or spec.get("sigterm", "exits") not in ("exits", "ignored"):
        raise ValueError(f"registry.yaml: {repository}: server {spec}")
    return AppServer(
        programs=tuple(spec.get("programs", ())),
        port=spec.get("port", defaults.port),
        protocol=spec.get("protocol", defaults.protocol),
        log=spec.get("log", defaults.log),
        stream=spec.get("stream", defaults.stream),
        ignores_sigterm=spec.get("sigterm") == "ignored",
    )


REGISTRY = load()
SANDBOX_IMAGE = "registry.k8s.io/pause:3.10"  # containerd's sandbox_image (kubeadm default)
