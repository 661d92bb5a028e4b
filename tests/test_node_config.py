"""Pods that use ConfigMaps and Secrets: the kubelet reads them for the environment and for
configMap/secret/projected volumes; a missing one keeps the pod from starting until it exists."""

import base64

import pytest

from engine.node.kubelet_pods import expand
from engine.node.volumes import File
from tests.node_fixtures import (
    cluster,
    container_status,
    create,
    events,
    get,
    logs,
    pod,
    status_column,
)


def configmap(c, name="game", **data):
    create(c, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data})


def secret(c, name="db", **values):
    data = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
    create(c, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "data": data})


def shell(script, name="web", volumes=None, **container):
    spec = pod(name, "busybox:1.37", command=["sh", "-c", script], **container)
    if volumes:
        spec["spec"]["volumes"] = volumes
    return spec


def cm_key(name, key, optional=None):
    ref = {"name": name, "key": key}
    if optional is not None:
        ref["optional"] = optional
    return {"configMapKeyRef": ref}


def milestones(c, text):
    return [e.summary for e in c.context.trace if e.kind == "milestone" and text in e.summary]


def gets(c, resource):
    """The kubelet's reads of the pod's own ConfigMaps or Secrets (the CA bundle of every
    pod's kube-api-access volume left out)."""
    return [
        e
        for e in c.context.trace
        if e.kind == "request"
        and e.source == "kubelet/node-1"
        and (e.data or {}).get("method") == "GET"
        and f"/{resource}/" in (e.data or {}).get("url", "")
        and not (e.data or {}).get("url", "").endswith("/kube-root-ca.crt")
    ]


# ---- environment -----------------------------------------------------------------------------
def test_env_from_configmap_and_secret_keys_reaches_the_process():
    c, _ = cluster()
    configmap(c, lives="3", level="easy")
    secret(c, username="admin", password="s3cr3t")
    env = [
        {"name": "LIVES", "valueFrom": cm_key("game", "lives")},
        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
    ]
    create(c, shell("echo lives=$LIVES password=$PASSWORD; sleep 3600", env=env))
    c.settle()
    assert status_column(c) == "Running"
    assert logs(c) == (200, "lives=3 password=s3cr3t\n")  # the Secret's value decoded
    # one GET of each object, through the kubelet's own client
    assert len(gets(c, "configmaps")) == 1 and len(gets(c, "secrets")) == 1


def test_env_from_with_prefix_then_env_overrides_and_expands():
    c, _ = cluster()
    configmap(c, level="easy", lives="3")
    secret(c, token="abc")
    container = {
        "envFrom": [
            {"configMapRef": {"name": "game"}, "prefix": "GAME_"},
            {"secretRef": {"name": "db"}},
        ],
        "env": [
            {"name": "GAME_lives", "value": "9"},  # env wins over envFrom
            {"name": "MODE", "value": "$(GAME_level)-$(token)-$(UNDEFINED)-$$(GAME_level)"},
        ],
    }
    create(c, shell("env; sleep 3600", **container))
    c.settle()
    lines = logs(c)[1].splitlines()
    assert "GAME_level=easy" in lines and "GAME_lives=9" in lines and "token=abc" in lines
    assert "MODE=easy-abc-$(UNDEFINED)-$(GAME_level)" in lines


def test_command_and_args_are_expanded_with_the_environment():
    c, _ = cluster()
    configmap(c, greeting="hello")
    env = [{"name": "GREETING", "valueFrom": cm_key("game", "greeting")}]
    create(
        c,
        pod(
            command=["sh", "-c"],
            args=["echo $(GREETING) world; sleep 3600"],
            env=env,
            image="busybox:1.37",
        ),
    )
    c.settle()
    assert logs(c) == (200, "hello world\n")


def test_optional_references_to_missing_objects_and_keys_are_skipped():
    c, _ = cluster()
    configmap(c, lives="3")
    container = {
        "envFrom": [{"secretRef": {"name": "absent", "optional": True}}],
        "env": [
            {"name": "A", "valueFrom": cm_key("absent", "x", optional=True)},
            {"name": "B", "valueFrom": cm_key("game", "nope", optional=True)},
            {"name": "C", "valueFrom": cm_key("game", "lives", optional=True)},
        ],
    }
    create(c, shell("env; sleep 3600", **container))
    c.settle()
    assert status_column(c) == "Running"
    names = {line.split("=")[0] for line in logs(c)[1].splitlines()}
    assert "C" in names and not names & {"A", "B"}


@pytest.mark.parametrize(
    "env, message",
    [
        ([{"name": "X", "valueFrom": cm_key("game", "lives")}], 'configmap "game" not found'),
        (
            [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}],
            'secret "db" not found',
        ),
        (
            [{"name": "X", "valueFrom": cm_key("present", "nope")}],
            "couldn't find key nope in ConfigMap default/present",
        ),
        (
            [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "nope"}}}],
            "couldn't find key nope in Secret default/sec",
        ),
    ],
)
def test_a_missing_object_or_key_is_create_container_config_error(env, message):
    c, _ = cluster()
    configmap(c, "present", lives="3")
    secret(c, "sec", pw="x")
    create(c, pod(env=env))
    c.settle()
    assert status_column(c) == "CreateContainerConfigError"
    waiting = container_status(c)["state"]["waiting"]
    assert waiting == {"reason": "CreateContainerConfigError", "message": message}
    failed = [e for e in events(c) if e["reason"] == "Failed"]
    assert [(e["type"], e["message"]) for e in failed] == [("Warning", f"Error: {message}")]
    assert failed[0]["involvedObject"]["fieldPath"] == "spec.containers{app}"
    assert get(c)["status"]["phase"] == "Pending"


def test_the_container_starts_once_the_configmap_exists_and_the_story_says_it_once():
    c, _ = cluster()
    create(c, pod(envFrom=[{"configMapRef": {"name": "game"}}]))
    c.settle()
    c.advance(35)  # the kubelet retries every 10 s (the pod worker's back-off)
    assert status_column(c) == "CreateContainerConfigError"
    tries = len(gets(c, "configmaps"))
    assert tries == 4
    failed = [e for e in events(c) if e["reason"] == "Failed"]
    assert len(failed) == 1 and failed[0]["count"] == 4
    assert milestones(c, "cannot start") == [
        "Pod web cannot start: its container app needs ConfigMap game, which does not exist yet"
    ]
    configmap(c, COLOR="blue")
    c.advance(10)
    c.settle()
    assert status_column(c) == "Running"
    assert milestones(c, "started container app") and len(milestones(c, "cannot start")) == 1


# ---- volumes ---------------------------------------------------------------------------------
def config_volume(**source):
    return [{"name": "config", "configMap": {"name": "game", **source}}]


MOUNT = [{"name": "config", "mountPath": "/etc/config"}]


def test_a_configmap_volume_holds_a_file_per_key_that_cat_reads():
    c, k = cluster()
    configmap(c, lives="3", level="easy")
    create(
        c,
        shell(
            "cat /etc/config/lives; ls /etc/config; sleep 3600",
            volumes=config_volume(),
            volumeMounts=MOUNT,
        ),
    )
    c.settle()
    assert logs(c) == (200, "3\nlevel\nlives\n")
    files = k.volumes.mounted[get(c)["metadata"]["uid"]]["config"]
    assert files == {"level": File("easy", 0o644), "lives": File("3", 0o644)}


def test_items_and_modes_choose_the_files():
    c, k = cluster()
    configmap(c, lives="3", level="easy")
    items = [{"key": "lives", "path": "game/lives.txt", "mode": 0o400}]
    volumes = config_volume(items=items, defaultMode=0o600)
    create(
        c,
        shell(
            "ls /etc/config/game; cat /etc/config/lives; sleep 3600",
            volumes=volumes,
            volumeMounts=MOUNT,
        ),
    )
    c.settle()
    assert (
        logs(c)[1] == "lives.txt\ncat: can't open '/etc/config/lives': No such file or directory\n"
    )
    assert k.volumes.mounted[get(c)["metadata"]["uid"]]["config"] == {
        "game/lives.txt": File("3", 0o400)
    }


def test_a_missing_configmap_is_failed_mount_until_it_exists():
    c, k = cluster()
    create(
        c, shell("cat /etc/config/lives; sleep 3600", volumes=config_volume(), volumeMounts=MOUNT)
    )
    c.settle()
    c.advance(8)  # retries after 0.5, 1 (1.5), 2 (3.5), 4 (7.5) seconds
    assert status_column(c) == "ContainerCreating"
    mount = [e for e in events(c) if e["reason"] == "FailedMount"]
    assert len(mount) == 1 and mount[0]["type"] == "Warning"
    assert (
        mount[0]["message"]
        == 'MountVolume.SetUp failed for volume "config" : configmap "game" not found'
    )
    assert mount[0]["count"] == 5 and "fieldPath" not in mount[0]["involvedObject"]
    assert not k.runtime.pod_sandboxes(get(c)["metadata"]["uid"])  # no sandbox
    assert milestones(c, "cannot start") == [
        "Pod web cannot start: its volume config needs ConfigMap game, which does not exist yet"
    ]
    configmap(c, lives="3")
    c.advance(8.5)  # the next retry, 8 s after the last
    c.settle()
    assert status_column(c) == "Running" and logs(c) == (200, "3\n")


def test_a_missing_item_key_and_a_missing_secret_fail_the_mount():
    c, _ = cluster()
    configmap(c, lives="3")
    volumes = [
        *config_volume(items=[{"key": "nope", "path": "x"}]),
        {"name": "creds", "secret": {"secretName": "db"}},
    ]
    create(c, shell("sleep 3600", volumes=volumes))
    c.settle()
    assert sorted(e["message"] for e in events(c) if e["reason"] == "FailedMount") == [
        'MountVolume.SetUp failed for volume "config" : '
        "configmap references non-existent config key: nope",
        'MountVolume.SetUp failed for volume "creds" : secret "db" not found',
    ]


def test_optional_volumes_mount_empty_and_secret_files_are_decoded():
    c, k = cluster()
    secret(c, password="s3cr3t")
    volumes = [
        *config_volume(optional=True),
        {"name": "creds", "secret": {"secretName": "db", "defaultMode": 0o400}},
    ]
    mounts = [*MOUNT, {"name": "creds", "mountPath": "/etc/creds", "readOnly": True}]
    create(c, shell("cat /etc/creds/password; sleep 3600", volumes=volumes, volumeMounts=mounts))
    c.settle()
    assert status_column(c) == "Running" and logs(c) == (200, "s3cr3t\n")
    mounted = k.volumes.mounted[get(c)["metadata"]["uid"]]
    assert mounted["config"] == {} and mounted["creds"] == {"password": File("s3cr3t", 0o400)}


def test_a_projected_volume_gathers_configmap_secret_and_pod_fields():
    c, _ = cluster()
    configmap(c, lives="3")
    secret(c, password="s3cr3t")
    sources = [
        {"configMap": {"name": "game", "items": [{"key": "lives", "path": "lives"}]}},
        {"secret": {"name": "db"}},
        {"downwardAPI": {"items": [{"path": "name", "fieldRef": {"fieldPath": "metadata.name"}}]}},
        {"serviceAccountToken": {"path": "token"}},
    ]
    volumes = [{"name": "all", "projected": {"sources": sources}}]
    mounts = [{"name": "all", "mountPath": "/etc/all"}]
    create(
        c, shell("ls /etc/all; cat /etc/all/name; sleep 3600", volumes=volumes, volumeMounts=mounts)
    )
    c.settle()
    # the token the kubelet asked for, bound to the pod, among the rest
    assert logs(c) == (200, "lives\nname\npassword\ntoken\nweb\n")


def test_a_projected_volume_reports_every_missing_source():
    c, _ = cluster()
    sources = [{"configMap": {"name": "game"}}, {"secret": {"name": "db"}}]
    create(c, shell("sleep 3600", volumes=[{"name": "all", "projected": {"sources": sources}}]))
    c.settle()
    assert [e["message"] for e in events(c) if e["reason"] == "FailedMount"] == [
        'MountVolume.SetUp failed for volume "all" : '
        '[configmap "game" not found, secret "db" not found]'
    ]


def test_an_exec_probe_sees_the_volume_files():
    c, _ = cluster()
    configmap(c, lives="3")
    probe = {"exec": {"command": ["cat", "/etc/config/lives"]}, "periodSeconds": 5}
    create(
        c, shell("sleep 3600", volumes=config_volume(), volumeMounts=MOUNT, readinessProbe=probe)
    )
    c.settle()
    assert get(c)["status"]["containerStatuses"][0]["ready"] is True


def test_a_pod_without_references_makes_no_reads():
    c, _ = cluster()
    create(c, pod())
    c.settle()
    assert status_column(c) == "Running"
    assert not gets(c, "configmaps") and not gets(c, "secrets")


# ---- expansion (third_party/forked/golang/expansion) -----------------------------------------
@pytest.mark.parametrize(
    "text, out",
    [
        ("$(A)", "1"),
        ("x$(A)y$(B)", "x1y2"),
        ("$(MISSING)", "$(MISSING)"),
        ("$$(A)", "$(A)"),
        ("$$", "$"),
        ("$A", "$A"),
        ("$(A", "$(A"),
        ("a$", "a$"),
        ("$()", ""),
    ],
)
def test_expand(text, out):
    env = {"A": "1", "B": "2", "": ""}
    assert expand(text, lambda name: env.get(name, f"$({name})")) == out


def resource(name, divisor):
    return {"resource": name, "divisor": divisor}


def test_pod_fields_and_resources_through_env_and_a_downward_api_volume():
    c, _ = cluster()
    env = [
        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        {
            "name": "MEM",
            "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}},
        },
        {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
        {
            "name": "REQ",
            "valueFrom": {"resourceFieldRef": {"resource": "requests.cpu", "divisor": "1m"}},
        },
    ]
    items = [
        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
        {
            "path": "cpu",
            "resourceFieldRef": {
                "containerName": "app",
                "resource": "requests.cpu",
                "divisor": "1m",
            },
        },
    ]
    spec = shell(
        "echo $POD $IP $MEM $CPU $REQ; cat /etc/info/labels /etc/info/cpu; sleep 3600",
        env=env,
        resources={"limits": {"memory": "64Mi"}, "requests": {"cpu": "250m", "memory": "64Mi"}},
        volumes=[{"name": "info", "downwardAPI": {"items": items}}],
        volumeMounts=[{"name": "info", "mountPath": "/etc/info"}],
    )
    spec["metadata"]["labels"] = {"app": "web", "tier": "front"}
    create(c, spec)
    c.settle()
    # the CPU limit is not set: the node's allocatable (4 CPUs)
    assert logs(c) == (200, 'web 10.244.1.2 64 4 250\napp="web"\ntier="front"\n250\n')
