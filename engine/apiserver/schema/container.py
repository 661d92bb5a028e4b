"""core/v1 Container and what hangs off it: ports, environment, resources, probes, lifecycle
hooks, security context, mounts (k8s.io/api core/v1/types.go)."""

from __future__ import annotations

from engine.apiserver.schema.model import (
    INT_OR_STRING,
    QUANTITY,
    Prop,
    Struct,
    boolean,
    int32,
    int64,
    list_of,
    quantities,
    ref,
    string,
    strings,
)

CORE = "io.k8s.api.core.v1."
CONTAINER = CORE + "Container"
EPHEMERAL_CONTAINER = CORE + "EphemeralContainer"

_CONTAINER_FIELDS: dict[str, Prop] = {
    "args": strings(
        "Arguments passed to the entrypoint. If empty, the image's CMD is used. $(VAR) "
        "references are expanded from the container's environment ($$ escapes a literal $). "
        "Cannot be updated."
    ),
    "command": strings(
        "The entrypoint to run, as an array (not run in a shell). If empty, the image's "
        "ENTRYPOINT is used. $(VAR) references are expanded as in args. Cannot be updated."
    ),
    "env": list_of(
        CORE + "EnvVar",
        "Environment variables to set in the container. Cannot be updated.",
        merge_key="name",
        map_keys=("name",),
    ),
    "envFrom": list_of(
        CORE + "EnvFromSource",
        "Sources (ConfigMaps, Secrets) whose keys all become environment variables. When a key "
        "appears in several sources, the last one wins; variables in `env` take precedence. "
        "Cannot be updated.",
    ),
    "image": string(
        "The container image to run, e.g. nginx:1.27 or registry.example.com/team/app@sha256:… "
        "Required for containers a Pod runs; a Deployment's template may leave it to be set "
        "later by configuration tools."
    ),
    "imagePullPolicy": string(
        "When the kubelet pulls the image: Always (check the registry every time), IfNotPresent "
        "(only when the node lacks it) or Never. Defaults to Always for the :latest tag or no "
        "tag, IfNotPresent otherwise. Cannot be updated.",
        enum=("Always", "IfNotPresent", "Never"),
    ),
    "lifecycle": ref(
        CORE + "Lifecycle",
        "Hooks the kubelet runs right after the container starts and just before it is "
        "stopped. Cannot be updated.",
    ),
    "livenessProbe": ref(
        CORE + "Probe",
        "A periodic check that the container is still healthy; after enough failures the "
        "kubelet restarts it. Cannot be updated.",
    ),
    "name": string(
        "The container's name, a DNS label unique within the pod. Used to address the "
        "container (kubectl logs -c NAME). Cannot be updated."
    ),
    "ports": list_of(
        CORE + "ContainerPort",
        "Ports the container listens on. Listing a port is mostly informational: a process "
        "listening on 0.0.0.0 is reachable whether or not the port is listed. Cannot be "
        "updated.",
        merge_key="containerPort",
        map_keys=("containerPort", "protocol"),
    ),
    "readinessProbe": ref(
        CORE + "Probe",
        "A periodic check that the container can serve traffic; while it fails the pod is not "
        "Ready and Services send it nothing. Cannot be updated.",
    ),
    "resizePolicy": list_of(
        CORE + "ContainerResizePolicy",
        "What happens to the container when its CPU or memory is resized in place.",
        list_type="atomic",
    ),
    "resources": ref(
        CORE + "ResourceRequirements",
        "The compute resources the container asks for (requests, used by the scheduler) and "
        "may not exceed (limits, enforced on the node).",
    ),
    "restartPolicy": string(
        "Overrides the pod's restartPolicy for this container. Only `Always` is allowed, and "
        "only for init containers: such an init container is a sidecar that keeps running "
        "beside the regular containers."
    ),
    "restartPolicyRules": list_of(
        CORE + "ContainerRestartRule",
        "Rules, checked in order, that decide from a container's exit code whether it is "
        "restarted.",
    ),
    "securityContext": ref(
        CORE + "SecurityContext",
        "Security settings for this container (user, capabilities, privilege); they override "
        "the pod-level securityContext.",
    ),
    "startupProbe": ref(
        CORE + "Probe",
        "A check that the container has finished starting. Liveness and readiness probes wait "
        "until it succeeds; if it fails too often the container is restarted. Cannot be "
        "updated.",
    ),
    "stdin": boolean(
        "Keep a stdin buffer open for the container. If false, reads from stdin get EOF."
    ),
    "stdinOnce": boolean("Close stdin after the first client that attached to it disconnects."),
    "terminationMessagePath": string(
        "A file whose contents the kubelet reports as the container's termination message "
        "(capped at 4096 bytes). Defaults to /dev/termination-log. Cannot be updated."
    ),
    "terminationMessagePolicy": string(
        "Where the termination message comes from: File (the file above) or "
        "FallbackToLogsOnError (the end of the log when the file is empty and the container "
        "failed). Cannot be updated.",
        enum=("FallbackToLogsOnError", "File"),
    ),
    "tty": boolean("Allocate a TTY for the container (needs stdin too)."),
    "volumeDevices": list_of(
        CORE + "VolumeDevice",
        "Raw block volumes of the pod to expose inside the container as devices.",
        merge_key="devicePath",
        map_keys=("devicePath",),
    ),
    "volumeMounts": list_of(
        CORE + "VolumeMount",
        "Volumes of the pod to mount into the container's filesystem. Cannot be updated.",
        merge_key="mountPath",
        map_keys=("mountPath",),
    ),
    "workingDir": string(
        "The directory the process starts in; defaults to the image's working directory. "
        "Cannot be updated."
    ),
}


def _selector(name: str, what: str, extra: dict[str, Prop] | None = None) -> Struct:
    return Struct(
        CORE + name,
        f"Selects a key of a {what}.",
        {
            "key": string("The key to select."),
            "name": string(f"The {what}'s name, in the pod's namespace."),
            "optional": boolean(f"Whether the {what} or its key may be missing."),
            **(extra or {}),
        },
        required=("key",),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    )


def _env_source(name: str, what: str) -> Struct:
    return Struct(
        CORE + name,
        f"Makes every key of a {what} an environment variable.",
        {
            "name": string(f"The {what}'s name, in the pod's namespace."),
            "optional": boolean(f"Whether the {what} may be missing."),
        },
    )


STRUCTS = (
    Struct(
        CONTAINER,
        "A single application container that you want to run within a pod.",
        _CONTAINER_FIELDS,
        required=("name",),
    ),
    Struct(
        EPHEMERAL_CONTAINER,
        "A temporary container added to a running pod for troubleshooting (kubectl debug). It "
        "has no resource guarantees, is never restarted, and cannot be removed once added.",
        {
            **_CONTAINER_FIELDS,
            "targetContainerName": string(
                "The container whose process namespace this one shares, if the runtime allows."
            ),
        },
        required=("name",),
    ),
    Struct(
        CORE + "ContainerPort",
        "A network port of a container.",
        {
            "containerPort": int32("The port number on the pod's IP address (1-65535)."),
            "hostIP": string("The host address to bind an exposed hostPort to."),
            "hostPort": int32(
                "A port on the node to forward to this one. Rarely needed: it limits how many "
                "such pods fit on a node."
            ),
            "name": string(
                "An IANA_SVC_NAME for the port, unique in the pod, that Services can refer to."
            ),
            "protocol": string("UDP, TCP or SCTP. Defaults to TCP.", enum=("SCTP", "TCP", "UDP")),
        },
        required=("containerPort",),
    ),
    Struct(
        CORE + "EnvVar",
        "One environment variable of a container.",
        {
            "name": string("The variable's name."),
            "value": string(
                "The value. $(VAR) references to variables defined earlier are expanded. "
                "Defaults to empty."
            ),
            "valueFrom": ref(
                CORE + "EnvVarSource", "Where to take the value from, instead of `value`."
            ),
        },
        required=("name",),
    ),
    Struct(
        CORE + "EnvVarSource",
        "The source of an environment variable's value.",
        {
            "configMapKeyRef": ref(CORE + "ConfigMapKeySelector", "A key of a ConfigMap."),
            "fieldRef": ref(
                CORE + "ObjectFieldSelector",
                "A field of the pod: metadata.name, metadata.namespace, spec.nodeName, "
                "status.podIP and a few others.",
            ),
            "fileKeyRef": ref(CORE + "FileKeySelector", "A key of an env file in a volume."),
            "resourceFieldRef": ref(
                CORE + "ResourceFieldSelector",
                "A resource request or limit of a container (limits.cpu, requests.memory…).",
            ),
            "secretKeyRef": ref(CORE + "SecretKeySelector", "A key of a Secret."),
        },
    ),
    _selector("ConfigMapKeySelector", "ConfigMap"),
    _selector("SecretKeySelector", "Secret"),
    Struct(
        CORE + "FileKeySelector",
        "Selects a key of an env file stored in one of the pod's volumes.",
        {
            "key": string("The key to select."),
            "optional": boolean("Whether the file or key may be missing."),
            "path": string("The file's path inside the volume."),
            "volumeName": string("The volume holding the file."),
        },
        required=("key", "path", "volumeName"),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        CORE + "ObjectFieldSelector",
        "Selects a field of the pod.",
        {
            "apiVersion": string("The version the field path is written in; defaults to v1."),
            "fieldPath": string("The path of the field, e.g. metadata.name."),
        },
        required=("fieldPath",),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        CORE + "ResourceFieldSelector",
        "Selects a container's resource request or limit.",
        {
            "containerName": string("The container; required in volumes, optional in env."),
            "divisor": ref(QUANTITY, "The unit of the value; defaults to 1."),
            "resource": string("The resource, e.g. limits.cpu or requests.memory."),
        },
        required=("resource",),
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        CORE + "EnvFromSource",
        "A source of a set of environment variables.",
        {
            "configMapRef": ref(CORE + "ConfigMapEnvSource", "The ConfigMap to read."),
            "prefix": string("A prefix added to every variable name from this source."),
            "secretRef": ref(CORE + "SecretEnvSource", "The Secret to read."),
        },
    ),
    _env_source("ConfigMapEnvSource", "ConfigMap"),
    _env_source("SecretEnvSource", "Secret"),
    Struct(
        CORE + "ResourceRequirements",
        "Compute resources for a container (or a whole pod).",
        {
            "claims": list_of(
                CORE + "ResourceClaim",
                "Dynamic resource claims of the pod that this container uses.",
                map_keys=("name",),
            ),
            "limits": quantities(
                "The most of each resource the container may use: memory above the limit gets "
                "the container killed (OOMKilled), CPU above it is throttled."
            ),
            "requests": quantities(
                "The amount of each resource the container needs. The scheduler only places "
                "the pod on a node with this much unreserved. Defaults to the limits when only "
                "those are given."
            ),
        },
    ),
    Struct(
        CORE + "ResourceClaim",
        "A reference to one of the pod's resource claims.",
        {
            "name": string("The name of an entry in the pod's spec.resourceClaims."),
            "request": string("A single request of that claim, if only one is needed."),
        },
        required=("name",),
    ),
    Struct(
        CORE + "ContainerResizePolicy",
        "How a container reacts to an in-place resize of one resource.",
        {
            "resourceName": string("cpu or memory."),
            "restartPolicy": string("NotRequired (resize live) or RestartContainer."),
        },
        required=("resourceName", "restartPolicy"),
    ),
    Struct(
        CORE + "ContainerRestartRule",
        "A rule that decides, from how a container exited, whether it is restarted.",
        {
            "action": string("What to do when the rule matches: Restart."),
            "exitCodes": ref(
                CORE + "ContainerRestartRuleOnExitCodes", "The exit codes the rule matches."
            ),
        },
        required=("action",),
    ),
    Struct(
        CORE + "ContainerRestartRuleOnExitCodes",
        "A condition on a container's exit code.",
        {
            "operator": string("In or NotIn."),
            "values": list_of(int32(), "The exit codes.", list_type="set"),
        },
        required=("operator",),
    ),
    Struct(
        CORE + "Probe",
        "A health check the kubelet runs against a container, and how often.",
        {
            "exec": ref(CORE + "ExecAction", "Run a command inside the container."),
            "failureThreshold": int32(
                "How many failures in a row count as failed. Defaults to 3; minimum 1."
            ),
            "grpc": ref(CORE + "GRPCAction", "Call the gRPC health-checking service."),
            "httpGet": ref(CORE + "HTTPGetAction", "Send an HTTP GET; 200-399 is success."),
            "initialDelaySeconds": int32(
                "Seconds after the container starts before the first check."
            ),
            "periodSeconds": int32("Seconds between checks. Defaults to 10; minimum 1."),
            "successThreshold": int32(
                "How many successes in a row count as success after a failure. Defaults to 1, "
                "and must be 1 for liveness and startup probes."
            ),
            "tcpSocket": ref(CORE + "TCPSocketAction", "Open a TCP connection."),
            "terminationGracePeriodSeconds": int64(
                "Grace period for a container killed because this probe failed; overrides the "
                "pod's value."
            ),
            "timeoutSeconds": int32("Seconds before a check times out. Defaults to 1."),
        },
    ),
    Struct(
        CORE + "ExecAction",
        "A command run inside the container; exit status 0 is success.",
        {"command": strings("The command line, run directly (not in a shell).")},
    ),
    Struct(
        CORE + "HTTPGetAction",
        "An HTTP GET request.",
        {
            "host": string("The host to connect to; defaults to the pod IP."),
            "httpHeaders": list_of(CORE + "HTTPHeader", "Extra request headers."),
            "path": string("The path to request."),
            "port": ref(INT_OR_STRING, "The port, by number or by container port name."),
            "scheme": string("HTTP or HTTPS. Defaults to HTTP.", enum=("HTTP", "HTTPS")),
        },
        required=("port",),
    ),
    Struct(
        CORE + "HTTPHeader",
        "One HTTP header.",
        {"name": string("The header name."), "value": string("The header value.")},
        required=("name", "value"),
    ),
    Struct(
        CORE + "TCPSocketAction",
        "A TCP connection attempt.",
        {
            "host": string("The host to connect to; defaults to the pod IP."),
            "port": ref(INT_OR_STRING, "The port, by number or by container port name."),
        },
        required=("port",),
    ),
    Struct(
        CORE + "GRPCAction",
        "A call to the standard gRPC health-checking service.",
        {
            "port": int32("The gRPC port."),
            "service": string("The service name to check; empty checks the server."),
        },
        required=("port",),
    ),
    Struct(
        CORE + "Lifecycle",
        "Actions the kubelet takes at points of a container's life.",
        {
            "postStart": ref(
                CORE + "LifecycleHandler",
                "Runs right after the container is created. If it fails, the container is "
                "restarted according to the restart policy.",
            ),
            "preStop": ref(
                CORE + "LifecycleHandler",
                "Runs before the container is stopped (deletion, failed probe, preemption). "
                "The grace period counts down while it runs.",
            ),
            "stopSignal": string("The signal sent to stop the container, e.g. SIGTERM."),
        },
    ),
    Struct(
        CORE + "LifecycleHandler",
        "One lifecycle action; exactly one of its fields is set.",
        {
            "exec": ref(CORE + "ExecAction", "Run a command inside the container."),
            "httpGet": ref(CORE + "HTTPGetAction", "Send an HTTP GET."),
            "sleep": ref(CORE + "SleepAction", "Wait a number of seconds."),
            "tcpSocket": ref(CORE + "TCPSocketAction", "Deprecated; kept for compatibility."),
        },
    ),
    Struct(
        CORE + "SleepAction",
        "A pause.",
        {"seconds": int64("How long to sleep.")},
        required=("seconds",),
    ),
    Struct(
        CORE + "SecurityContext",
        "Security settings for one container. Where the pod's securityContext sets the same "
        "thing, this one wins.",
        {
            "allowPrivilegeEscalation": boolean(
                "Whether a process may gain more privileges than its parent (no_new_privs)."
            ),
            "appArmorProfile": ref(CORE + "AppArmorProfile", "The AppArmor profile to use."),
            "capabilities": ref(CORE + "Capabilities", "Linux capabilities to add or drop."),
            "privileged": boolean("Run as privileged: like root on the host. Defaults to false."),
            "procMount": string("Which /proc mount to use: Default or Unmasked."),
            "readOnlyRootFilesystem": boolean("Mount the root filesystem read-only."),
            "runAsGroup": int64("The GID to run the entrypoint as."),
            "runAsNonRoot": boolean(
                "Refuse to start the container if its user would be root (UID 0)."
            ),
            "runAsUser": int64("The UID to run the entrypoint as."),
            "seLinuxOptions": ref(CORE + "SELinuxOptions", "The SELinux context to apply."),
            "seccompProfile": ref(CORE + "SeccompProfile", "The seccomp profile to use."),
            "windowsOptions": ref(
                CORE + "WindowsSecurityContextOptions", "Settings for Windows containers."
            ),
        },
    ),
    Struct(
        CORE + "Capabilities",
        "Linux capabilities to add to or drop from the runtime's default set.",
        {
            "add": strings("Capabilities to add, e.g. NET_ADMIN."),
            "drop": strings("Capabilities to remove, e.g. ALL."),
        },
    ),
    Struct(
        CORE + "SELinuxOptions",
        "An SELinux label.",
        {
            "level": string("The SELinux level."),
            "role": string("The SELinux role."),
            "type": string("The SELinux type."),
            "user": string("The SELinux user."),
        },
    ),
    Struct(
        CORE + "SeccompProfile",
        "A seccomp profile: RuntimeDefault, Unconfined or Localhost (a file on the node).",
        {
            "localhostProfile": string("The profile file, for type Localhost."),
            "type": string("RuntimeDefault, Unconfined or Localhost."),
        },
        required=("type",),
    ),
    Struct(
        CORE + "AppArmorProfile",
        "An AppArmor profile: RuntimeDefault, Unconfined or Localhost (loaded on the node).",
        {
            "localhostProfile": string("The profile name, for type Localhost."),
            "type": string("RuntimeDefault, Unconfined or Localhost."),
        },
        required=("type",),
    ),
    Struct(
        CORE + "WindowsSecurityContextOptions",
        "Settings that only apply to Windows containers.",
        {
            "gmsaCredentialSpec": string("The GMSA credential spec itself."),
            "gmsaCredentialSpecName": string("The name of the GMSA credential spec to use."),
            "hostProcess": boolean("Run as a Windows HostProcess container."),
            "runAsUserName": string("The Windows user to run the entrypoint as."),
        },
    ),
    Struct(
        CORE + "VolumeMount",
        "Where a volume of the pod appears inside the container.",
        {
            "mountPath": string("The path inside the container; must not contain ':'."),
            "mountPropagation": string(
                "How mounts propagate between host and container: None, HostToContainer or "
                "Bidirectional."
            ),
            "name": string("The name of one of the pod's volumes."),
            "readOnly": boolean("Mount read-only. Defaults to false."),
            "recursiveReadOnly": string(
                "Whether read-only applies to sub-mounts too: Disabled, IfPossible, Enabled."
            ),
            "subPath": string("A path inside the volume to mount instead of its root."),
            "subPathExpr": string(
                "Like subPath, with $(VAR) references expanded from the environment."
            ),
        },
        required=("name", "mountPath"),
    ),
    Struct(
        CORE + "VolumeDevice",
        "Where a raw block volume appears inside the container.",
        {
            "devicePath": string("The device path inside the container."),
            "name": string("The name of a persistentVolumeClaim volume of the pod."),
        },
        required=("name", "devicePath"),
    ),
)
