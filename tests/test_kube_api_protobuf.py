"""The protobuf request bodies of kubectl's typed clients (web/kube_api/protobuf.py).

tests/protobuf_bodies/NAME.bin are bodies the real kubectl 1.37 sent to Podlife (recorded at
the server's door), NAME.json what the same command meant: for `kubectl create ...` its
`--dry-run=client -o json` (kubectl's own JSON of the same typed object), for `kubectl debug`
(which has no dry run) the pod the server then stored, defaults included. The commands:
`create deployment web --image=nginx:1.27 --replicas 3 --port 80`, `create deployment sleeper
--image=busybox:1.36 --port 8080 -- sleep 100`, `create deployment pair --image=nginx:1.27
--image=busybox:1.36`, `create namespace team`, `create configmap settings --from-literal=...`,
`create secret generic creds --from-literal=user=admin`, `create service nodeport web
--tcp=8080:80 --node-port=30080`, `debug POD --image=busybox:1.36 --copy-to=web-debug
--share-processes`, `debug node/node-1 --image=busybox:1.36` and `debug node/node-2
--image=busybox:1.36 --env=... --profile=sysadmin -- sleep 3600`.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from tests.protobuf_kit import body, field, text, varint
from web.kube_api import protobuf

BODIES = Path(__file__).parent / "protobuf_bodies"
RECORDED = sorted(path.stem for path in BODIES.glob("*.bin"))


def decode(data: bytes, into: str = "Deployment") -> Any:
    decoded = protobuf.to_json(data, into)
    return None if decoded is None else json.loads(decoded)


def contains(small: Any, big: Any) -> bool:
    """`big` holds all of `small` (a list: its first items; the API server appends to some,
    such as the service account's volume)."""
    if isinstance(small, dict):
        return isinstance(big, dict) and all(
            key in big and contains(value, big[key]) for key, value in small.items()
        )
    if isinstance(small, list):
        return len(small) <= len(big) and all(map(contains, small, big))
    return bool(small == big)


@pytest.mark.parametrize("name", RECORDED)
def test_what_the_real_kubectl_sent_decodes_to_what_it_meant(name: str) -> None:
    got = decode((BODIES / f"{name}.bin").read_bytes())
    meant = json.loads((BODIES / f"{name}.json").read_text())
    if name.startswith("debug"):
        assert contains(got, meant), json.dumps(got)
    else:
        assert got == meant


def test_the_recorded_bodies_cover_what_the_typed_commands_write() -> None:
    assert {"deployment-replicas-port", "debug-copy", "debug-node", "namespace"} <= set(RECORDED)
    copy = decode((BODIES / "debug-copy.bin").read_bytes(), "Pod")
    # The service account volume the copy carries: projected, three sources deep.
    sources = copy["spec"]["volumes"][0]["projected"]["sources"]
    assert [sorted(source) for source in sources] == [
        ["serviceAccountToken"],
        ["configMap"],
        ["downwardAPI"],
    ]


RICH = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "replicas": 0,
        "selector": {
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}],
        },
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"},
        },
        "minReadySeconds": 5,
        "revisionHistoryLimit": 3,
        "progressDeadlineSeconds": 600,
        "template": {
            "metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}},
            "spec": {
                "terminationGracePeriodSeconds": -1,
                "nodeSelector": {"disk": "ssd"},
                "tolerations": [{"key": "k", "operator": "Exists", "tolerationSeconds": 30}],
                "securityContext": {"runAsUser": 1000, "runAsNonRoot": True},
                "volumes": [
                    {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
                    {"name": "conf", "configMap": {"name": "cfg", "defaultMode": 420}},
                    {"name": "keys", "secret": {"secretName": "s", "optional": False}},
                ],
                "initContainers": [{"name": "init", "image": "busybox:1.36", "command": ["true"]}],
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "args": ["-g", "daemon off;"],
                        "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
                        "env": [
                            {"name": "A", "value": "1"},
                            {
                                "name": "B",
                                "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "b"}},
                            },
                            {
                                "name": "C",
                                "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                            },
                        ],
                        "envFrom": [{"prefix": "S_", "secretRef": {"name": "s"}}],
                        "resources": {
                            "requests": {"cpu": "100m", "memory": "64Mi"},
                            "limits": {"memory": "128Mi"},
                        },
                        "volumeMounts": [
                            {"name": "cache", "mountPath": "/cache", "readOnly": True}
                        ],
                        "livenessProbe": {
                            "httpGet": {"path": "/", "port": "http"},
                            "periodSeconds": 10,
                        },
                        "readinessProbe": {"tcpSocket": {"port": 80}},
                        "securityContext": {
                            "privileged": False,
                            "capabilities": {"add": ["NET_ADMIN"]},
                        },
                        "stdin": True,
                        "tty": True,
                    }
                ],
            },
        },
    },
}


def test_a_rich_deployment_round_trips_through_the_tables() -> None:
    """Every kind of field: pointers kept at zero (replicas: 0, maxUnavailable: 0,
    privileged: false), negative ints, inlined structs, maps of quantities, IntOrStrings."""
    assert decode(body(RICH)) == RICH


def test_zero_values_go_writes_are_left_out_as_its_json_does() -> None:
    # Go writes a non-pointer string, int32 or bool even when empty; `omitempty` drops it.
    container = text(1, "web") + text(2, "nginx") + text(5, "") + field(16, 0)
    port = field(2, 0) + field(3, 0)  # hostPort 0 (omitempty), containerPort 0 (kept)
    spec = field(2, container + field(6, port)) + field(11, 0) + text(3, "")
    raw = field(1, text(1, "p")) + field(2, spec)
    data = protobuf.MAGIC + field(1, text(1, "v1") + text(2, "Pod")) + field(2, raw)
    assert decode(data, "Pod")["spec"] == {
        "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 0}]}]
    }


def test_a_field_number_the_tables_do_not_hold_is_skipped() -> None:
    # As the generated Unmarshal skips a number it does not know (skipGenerated): here a
    # varint, a fixed64 and a fixed32 the Namespace message does not have.
    extra = field(90, 7) + varint(91 << 3 | 1) + b"\x00" * 8 + varint(92 << 3 | 5) + b"\x00" * 4
    raw = field(1, text(1, "team")) + extra
    data = protobuf.MAGIC + field(1, text(1, "v1") + text(2, "Namespace")) + field(2, raw)
    assert decode(data, "Namespace") == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team"},
    }


def test_a_kind_not_decoded_here_is_passed_on() -> None:
    other = protobuf.MAGIC + field(1, text(1, "example.com/v1") + text(2, "Widget"))
    assert decode(other, "Widget") is None


def deployment_with(raw: bytes) -> bytes:
    return protobuf.MAGIC + field(1, text(1, "apps/v1") + text(2, "Deployment")) + field(2, raw)


# DeploymentSpec > template 3 > spec 2 > containers 2 > resources 8 > limits 1: an entry whose
# value is the varint 5, where a Quantity message belongs.
CONTAINER = field(8, field(1, text(1, "cpu") + field(2, 5)))
CPU_LIMIT_AS_A_NUMBER = field(3, field(2, field(2, CONTAINER)))
MALFORMED = [
    (
        "no magic",
        b'{"kind": "Deployment"}',
        "the object provided is unrecognized (must be of type Deployment): provided data does "
        "not appear to be a protobuf message, expected prefix [107 56 115 0] "
        "(7b226b696e64223a20224465706c6f796d656e74227d)",
    ),
    (
        "nothing after the magic",
        protobuf.MAGIC,
        "the object provided is unrecognized (must be of type Deployment): empty body (6b387300)",
    ),
    (
        "envelope cut short",
        protobuf.MAGIC + b"\x0a\x20apps",
        "the object provided is unrecognized (must be of type Deployment): unexpected EOF "
        "(6b3873000a2061707073)",
    ),
    (
        "name as a varint",
        deployment_with(field(1, field(1, 5))),
        'Deployment in version "v1" cannot be handled as a Deployment: '
        "proto: wrong wireType = 0 for field Name",
    ),
    (
        "a varint of eleven bytes",
        deployment_with(field(2, b"\x08" + b"\xff" * 10 + b"\x01")),
        'Deployment in version "v1" cannot be handled as a Deployment: proto: integer overflow',
    ),
    (
        "a length past the end",
        deployment_with(b"\x0a\x7f\x0a"),
        'Deployment in version "v1" cannot be handled as a Deployment: unexpected EOF',
    ),
    (
        "a quantity as a number",
        deployment_with(field(2, CPU_LIMIT_AS_A_NUMBER)),
        'Deployment in version "v1" cannot be handled as a Deployment: '
        "proto: wrong wireType = 0 for field Value",
    ),
    (
        "field number zero",
        deployment_with(b"\x02\x00"),
        'Deployment in version "v1" cannot be handled as a Deployment: '
        "proto: Deployment: illegal tag 0 (wire type 2)",
    ),
    (
        "an end group",
        deployment_with(field(2, b"\x0c")),
        'Deployment in version "v1" cannot be handled as a Deployment: '
        "proto: DeploymentSpec: wiretype end group for non-group",
    ),
]


@pytest.mark.parametrize(("case", "data", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_bytes_are_refused_in_the_decoders_words(
    case: str, data: bytes, message: str
) -> None:
    with pytest.raises(protobuf.ProtobufError) as refused:
        protobuf.to_json(data, "Deployment")
    assert str(refused.value) == message


def test_every_cut_and_flipped_byte_is_answered_quickly() -> None:
    """Whatever the bytes: JSON, passed on, or refused with ProtobufError, never anything
    else, in time linear in the body."""
    rng = random.Random(7)
    start = time.perf_counter()
    for name in RECORDED:
        data = (BODIES / f"{name}.bin").read_bytes()
        variants = [data[:cut] for cut in range(len(data))]
        # Each byte with its low bits changed: where it is a tag, another wire type.
        for at in range(len(data)):
            for bits in (2, 3, 5):
                variants.append(data[:at] + bytes([data[at] ^ bits]) + data[at + 1 :])
        for _ in range(300):
            flipped = bytearray(data)
            flipped[rng.randrange(len(data))] = rng.randrange(256)
            variants.append(bytes(flipped))
        for variant in variants:
            try:
                result = protobuf.to_json(variant, "Pod")
            except protobuf.ProtobufError:
                continue
            assert result is None or isinstance(json.loads(result), dict)
    assert time.perf_counter() - start < 10


def test_a_replication_controller_by_its_generated_proto_numbers() -> None:
    """ReplicationControllerSpec: replicas 1, selector 2 (a map entry: key 1, value 2),
    template 3, minReadySeconds 4 (k8s.io/api/core/v1/generated.proto)."""
    container = text(1, "nginx") + text(2, "nginx") + field(6, field(3, 80))
    template = field(1, field(11, text(1, "app") + text(2, "nginx"))) + field(
        2, field(2, container)
    )
    spec = field(1, 3) + field(2, text(1, "app") + text(2, "nginx")) + field(3, template)
    raw = field(1, text(1, "nginx")) + field(2, spec + field(4, 5))
    data = (
        protobuf.MAGIC + field(1, text(1, "v1") + text(2, "ReplicationController")) + field(2, raw)
    )
    rc = {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "nginx"},
        "spec": {
            "replicas": 3,
            "selector": {"app": "nginx"},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [
                        {"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}]}
                    ]
                },
            },
            "minReadySeconds": 5,
        },
    }
    assert decode(data, "ReplicationController") == rc
    assert decode(body(rc), "ReplicationController") == rc
