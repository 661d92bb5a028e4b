"""meta/v1 and the apimachinery value types every kind uses (k8s.io/apimachinery
pkg/apis/meta/v1/types.go, pkg/api/resource, pkg/util/intstr)."""

from __future__ import annotations

from engine.apiserver.schema.model import (
    FIELDS_V1,
    Prop,
    Struct,
    boolean,
    int32,
    int64,
    list_of,
    ref,
    string,
    string_map,
    strings,
    time,
)

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
OBJECT_META = META + "ObjectMeta"
LIST_META = META + "ListMeta"
LABEL_SELECTOR = META + "LabelSelector"
STATUS = META + "Status"
DELETE_OPTIONS = META + "DeleteOptions"

API_VERSION = string(
    "Which version of the schema this object is written in, as <group>/<version> (just "
    "<version> for the core group). The server converts what it receives to the versions it "
    "stores and serves."
)
KIND = string(
    "The type of object this is, in CamelCase (Pod, Deployment). The server infers it from "
    "the URL a client writes to; it cannot be changed."
)


def list_metadata() -> dict[str, object]:
    return {"metadata": ref(LIST_META, "Standard list metadata: the list's resourceVersion.")}


STRUCTS = (
    Struct(
        OBJECT_META,
        "Metadata every persisted object has: its name and namespace, labels and annotations, "
        "and the bookkeeping the API server maintains (uid, resourceVersion, timestamps).",
        {
            "annotations": string_map(
                "Free-form key/value pairs tools attach to an object. Unlike labels they are not "
                "used to select objects, and their values may be large."
            ),
            "creationTimestamp": time(
                "When the server created this object, in UTC. Set by the server; read-only."
            ),
            "deletionGracePeriodSeconds": int64(
                "How many seconds the object is given to shut down gracefully before it is "
                "removed. Set together with deletionTimestamp; read-only."
            ),
            "deletionTimestamp": time(
                "When this object will be deleted. The server sets it when a graceful deletion "
                "is requested; the object stays visible until its finalizers are gone and the "
                "grace period has passed. Read-only."
            ),
            "finalizers": list_of(
                Prop("string"),
                "Names of the cleanups that must finish before the object may be removed from "
                "storage. Each controller that added one removes it when its work is done.",
                strategy="merge",
                list_type="set",
            ),
            "generateName": string(
                "A prefix the server uses to make a unique name when `name` is empty: it "
                "appends a random suffix. Used only at creation."
            ),
            "generation": int64(
                "A number the server increases each time the object's desired state (its spec) "
                "changes. Read-only."
            ),
            "labels": string_map(
                "Key/value pairs used to organise and select objects: Services, ReplicaSets and "
                "kubectl -l find objects through them."
            ),
            "managedFields": list_of(
                META + "ManagedFieldsEntry",
                "Which field manager (a client, a controller) last set which fields, and how. "
                "Maintained by the server for server-side apply; most users never edit it.",
            ),
            "name": string(
                "The object's name, unique among objects of its kind in its namespace. Required "
                "on create (unless generateName is used) and immutable afterwards."
            ),
            "namespace": string(
                "The namespace the object lives in; empty for cluster-scoped kinds. A namespace "
                "must be a DNS label, and it cannot be changed once set."
            ),
            "ownerReferences": list_of(
                META + "OwnerReference",
                "The objects this one belongs to. When every owner is gone, the garbage "
                "collector deletes this object; a controller marks its owner with "
                "controller=true.",
                merge_key="uid",
                map_keys=("uid",),
            ),
            "resourceVersion": string(
                "An opaque version of this object, changed by every write. Clients send it back "
                "to detect conflicting updates (optimistic concurrency) and to start watches. "
                "Read-only."
            ),
            "selfLink": string("Deprecated and always empty."),
            "uid": string(
                "A unique id the server gives the object at creation; never reused, even by an "
                "object created later with the same name. Read-only."
            ),
        },
    ),
    Struct(
        LIST_META,
        "Metadata of a list returned by the server.",
        {
            "continue": string(
                "Set when the server returned only part of a list: pass it back to get the next "
                "page. The token expires after a few minutes."
            ),
            "remainingItemCount": int64(
                "How many items the rest of a paged list holds, when the server can tell."
            ),
            "resourceVersion": string(
                "The version of the collection the list was read at; watch from here to see "
                "every later change."
            ),
            "selfLink": string("Deprecated and always empty."),
        },
    ),
    Struct(
        META + "OwnerReference",
        "Points to an object that owns this one. The owner must be in the same namespace (or "
        "be cluster-scoped).",
        {
            "apiVersion": string("The owner's API version."),
            "blockOwnerDeletion": boolean(
                "If true, a foreground deletion of the owner waits until this object is gone."
            ),
            "controller": boolean("If true, this owner is the managing controller (at most one)."),
            "kind": string("The owner's kind."),
            "name": string("The owner's name."),
            "uid": string("The owner's uid."),
        },
        required=("apiVersion", "kind", "name", "uid"),
    ),
    Struct(
        META + "ManagedFieldsEntry",
        "One field manager's set of fields in this object, and the operation it used.",
        {
            "apiVersion": string("The version of the object the field set refers to."),
            "fieldsType": string("How the field set is encoded; always FieldsV1."),
            "fieldsV1": ref(FIELDS_V1, "The fields owned, as a trie of field paths."),
            "manager": string("The name of the manager (e.g. kubectl-client-side-apply)."),
            "operation": string("Apply or Update: how the manager last wrote these fields."),
            "subresource": string("The subresource written (status, scale), if any."),
            "time": time("When these fields last changed."),
        },
    ),
    Struct(
        FIELDS_V1,
        "A set of field paths, stored as nested JSON keys such as f:spec and k:{...}.",
        {},
        extensions=(("x-kubernetes-preserve-unknown-fields", True),),
    ),
    Struct(
        LABEL_SELECTOR,
        "A query over labels. All requirements must hold (they are ANDed); an empty selector "
        "matches every object, a missing one matches none.",
        {
            "matchExpressions": list_of(
                META + "LabelSelectorRequirement",
                "Requirements on label values, such as `tier in (web, api)`.",
            ),
            "matchLabels": string_map(
                "Labels that must be present with exactly these values (each is a requirement "
                "with operator In and one value)."
            ),
        },
        extensions=(("x-kubernetes-map-type", "atomic"),),
    ),
    Struct(
        META + "LabelSelectorRequirement",
        "One requirement of a label selector: a key, an operator and values.",
        {
            "key": string("The label key the requirement is about."),
            "operator": string(
                "How the key relates to the values: In, NotIn, Exists, DoesNotExist."
            ),
            "values": strings(
                "The values for In and NotIn (non-empty); empty for Exists and DoesNotExist."
            ),
        },
        required=("key", "operator"),
    ),
    Struct(
        STATUS,
        "The result of an operation that does not return an object, or of any failed call.",
        {
            "apiVersion": API_VERSION,
            "code": int32("The HTTP status code."),
            "details": ref(META + "StatusDetails", "More about the failure, when available."),
            "kind": KIND,
            "message": string("A description of the outcome for people to read."),
            "metadata": ref(LIST_META, "Standard list metadata."),
            "reason": string("A machine-readable reason (NotFound, AlreadyExists, Invalid…)."),
            "status": string("Success or Failure."),
        },
        gvk=("", "v1", "Status"),
    ),
    Struct(
        META + "StatusDetails",
        "Which object a Status is about, and the individual causes of a failure.",
        {
            "causes": list_of(META + "StatusCause", "The individual problems, e.g. per field."),
            "group": string("The group of the resource concerned."),
            "kind": string("The kind (or resource) concerned."),
            "name": string("The name of the object concerned."),
            "retryAfterSeconds": int32("How long the client should wait before retrying."),
            "uid": string("The uid of the object concerned."),
        },
    ),
    Struct(
        META + "StatusCause",
        "One problem behind a failure.",
        {
            "field": string("The field at fault, as a path such as spec.containers[0].image."),
            "message": string("What is wrong."),
            "reason": string("A machine-readable reason, e.g. FieldValueRequired."),
        },
    ),
    Struct(
        DELETE_OPTIONS,
        "Options for a DELETE: how long to wait, what happens to dependents, preconditions.",
        {
            "apiVersion": API_VERSION,
            "dryRun": strings("All: process the request fully but do not persist anything."),
            "gracePeriodSeconds": int64(
                "Seconds the object has to shut down before it is removed; 0 removes it at "
                "once. Unset uses the kind's default (30 s for a Pod)."
            ),
            "ignoreStoreReadErrorWithClusterBreakingPotential": boolean(
                "Delete an object the server cannot decode. Dangerous; off by default."
            ),
            "kind": KIND,
            "orphanDependents": boolean(
                "Deprecated: use propagationPolicy. If true, dependents are orphaned."
            ),
            "preconditions": ref(
                META + "Preconditions", "Delete only if the object still has this uid/version."
            ),
            "propagationPolicy": string(
                "What the garbage collector does with dependents: Orphan (leave them), "
                "Background (delete them after the owner) or Foreground (delete them first)."
            ),
        },
        gvk=("", "v1", "DeleteOptions"),
    ),
    Struct(
        META + "Preconditions",
        "Conditions the object must meet for the operation to go ahead.",
        {
            "resourceVersion": string("The object must have this resourceVersion."),
            "uid": string("The object must have this uid."),
        },
    ),
    Struct(
        META + "Patch",
        "A patch document; its format is given by the request's Content-Type.",
        {},
    ),
)
