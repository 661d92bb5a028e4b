"""batch/v1 Job and CronJob (k8s.io/api batch/v1/types.go Job, JobSpec, JobStatus,
JobCondition, UncountedTerminatedPods, PodFailurePolicy, SuccessPolicy, CronJob, CronJobSpec,
JobTemplateSpec, CronJobStatus)."""

from __future__ import annotations

from engine.apiserver.schema.cluster import kind, list_kind
from engine.apiserver.schema.meta import LABEL_SELECTOR, OBJECT_META
from engine.apiserver.schema.model import (
    Prop,
    Struct,
    boolean,
    int32,
    int64,
    list_of,
    ref,
    string,
    strings,
    time,
)
from engine.apiserver.schema.pod import OBJECT_REFERENCE, POD_TEMPLATE_SPEC

BATCH = "io.k8s.api.batch.v1."

JOB = kind(
    BATCH + "Job",
    ("batch", "v1", "Job"),
    "A Job runs pods until a number of them finish successfully (a batch computation, a "
    "migration), retrying failed ones up to its backoffLimit.",
    spec=ref(BATCH + "JobSpec", "The desired work: the pod template, how many completions."),
    status=ref(BATCH + "JobStatus", "How far the work is, as the Job controller last saw it."),
)
CRON_JOB = kind(
    BATCH + "CronJob",
    ("batch", "v1", "CronJob"),
    "A CronJob creates a Job on a repeating schedule, written in cron syntax.",
    spec=ref(BATCH + "CronJobSpec", "The schedule and the Job to create each time."),
    status=ref(BATCH + "CronJobStatus", "The Jobs running and when one was last scheduled."),
)


def _int32s(description: str) -> Prop:
    return Prop(
        "array",
        items=Prop("integer", format="int32"),
        description=description,
        extensions=(("x-kubernetes-list-type", "set"),),
    )


STRUCTS = (
    JOB,
    list_kind(JOB),
    CRON_JOB,
    list_kind(CRON_JOB),
    Struct(
        BATCH + "JobSpec",
        "The desired state of a Job.",
        {
            "activeDeadlineSeconds": int64(
                "Seconds the Job may run, counted from its start; then its pods are stopped and "
                "it fails with reason DeadlineExceeded."
            ),
            "backoffLimit": int32(
                "How many times a failed pod is retried before the Job is marked failed. "
                "Defaults to 6."
            ),
            "backoffLimitPerIndex": int32("For an Indexed Job: retries allowed per index."),
            "completionMode": string(
                "NonIndexed (the default: the Job is complete after `completions` successful "
                "pods) or Indexed (each pod gets an index from 0 to completions-1).",
                enum=("Indexed", "NonIndexed"),
            ),
            "completions": int32(
                "How many pods must finish successfully. Defaults to 1 when parallelism is also "
                "unset."
            ),
            "managedBy": string("The controller that manages the Job, if not the built-in one."),
            "manualSelector": boolean(
                "Leave false: the API server generates a selector unique to this Job."
            ),
            "maxFailedIndexes": int32("For an Indexed Job: how many indexes may fail."),
            "parallelism": int32("How many pods may run at once. Defaults to 1."),
            "podFailurePolicy": ref(
                BATCH + "PodFailurePolicy", "How some pod failures are handled (fail, ignore)."
            ),
            "podReplacementPolicy": string(
                "When a replacement pod is made: TerminatingOrFailed (the default) or Failed "
                "(only once the old pod has fully ended).",
                enum=("Failed", "TerminatingOrFailed"),
            ),
            "selector": ref(
                LABEL_SELECTOR,
                "Which pods belong to this Job. Normally left out: the API server sets one.",
            ),
            "successPolicy": ref(
                BATCH + "SuccessPolicy", "For an Indexed Job: when it counts as succeeded."
            ),
            "suspend": boolean("While true, no pods are created and running ones are stopped."),
            "template": ref(
                POD_TEMPLATE_SPEC,
                "The pod to run. Its restartPolicy must be Never or OnFailure.",
            ),
            "ttlSecondsAfterFinished": int32(
                "Seconds after the Job finishes before it is deleted, with its pods."
            ),
        },
        required=("template",),
    ),
    Struct(
        BATCH + "PodFailurePolicy",
        "Rules that decide what a pod failure means for the Job.",
        {
            "rules": list_of(
                BATCH + "PodFailurePolicyRule", "The rules, checked in order.", list_type="atomic"
            )
        },
        required=("rules",),
    ),
    Struct(
        BATCH + "PodFailurePolicyRule",
        "One rule: an action for failures matching exit codes or pod conditions.",
        {
            "action": string(
                "FailJob, FailIndex, Ignore or Count.",
                enum=("Count", "FailIndex", "FailJob", "Ignore"),
            ),
            "onExitCodes": ref(
                BATCH + "PodFailurePolicyOnExitCodesRequirement", "Exit codes that match."
            ),
            "onPodConditions": list_of(
                BATCH + "PodFailurePolicyOnPodConditionsPattern",
                "Pod conditions that match.",
                list_type="atomic",
            ),
        },
        required=("action",),
    ),
    Struct(
        BATCH + "PodFailurePolicyOnExitCodesRequirement",
        "Which containers' exit codes match.",
        {
            "containerName": string("Only this container's exit code, if set."),
            "operator": string("In or NotIn.", enum=("In", "NotIn")),
            "values": _int32s("The exit codes."),
        },
        required=("operator", "values"),
    ),
    Struct(
        BATCH + "PodFailurePolicyOnPodConditionsPattern",
        "A pod condition that matches.",
        {
            "status": string("True, False or Unknown. Defaults to True."),
            "type": string("The condition type, e.g. DisruptionTarget."),
        },
        required=("type",),
    ),
    Struct(
        BATCH + "SuccessPolicy",
        "When an Indexed Job counts as succeeded before all its indexes have.",
        {
            "rules": list_of(
                BATCH + "SuccessPolicyRule",
                "Any rule met makes the Job succeed.",
                list_type="atomic",
            )
        },
        required=("rules",),
    ),
    Struct(
        BATCH + "SuccessPolicyRule",
        "Indexes that must succeed, or how many.",
        {
            "succeededCount": int32("How many of the indexes must succeed."),
            "succeededIndexes": string("Indexes that must succeed, e.g. 1,3-5."),
        },
    ),
    Struct(
        BATCH + "JobStatus",
        "The observed state of a Job.",
        {
            "active": int32("Pods pending or running."),
            "completedIndexes": string("For an Indexed Job: the indexes that succeeded."),
            "completionTime": time("When the Job completed. Not set for a failed Job."),
            "conditions": list_of(
                BATCH + "JobCondition",
                "The latest observations: Complete, Failed, Suspended and the like.",
                list_type="atomic",
            ),
            "failed": int32("Pods that failed."),
            "failedIndexes": string("For an Indexed Job with backoffLimitPerIndex: failed ones."),
            "ready": int32("Active pods that are Ready."),
            "startTime": time("When the Job controller started working on the Job."),
            "succeeded": int32("Pods that succeeded."),
            "terminating": int32("Pods being terminated."),
            "uncountedTerminatedPods": ref(
                BATCH + "UncountedTerminatedPods",
                "Pods that ended but are not in succeeded or failed yet: the controller removes "
                "their finalizer, then counts them.",
            ),
        },
    ),
    Struct(
        BATCH + "JobCondition",
        "A condition of a Job.",
        {
            "lastProbeTime": time("When the condition was last checked."),
            "lastTransitionTime": time("When the status last changed."),
            "message": string("Details for people to read."),
            "reason": string("A CamelCase reason for the last transition."),
            "status": string("True, False or Unknown."),
            "type": string("Complete, Failed, SuccessCriteriaMet, FailureTarget or Suspended."),
        },
        required=("type", "status"),
    ),
    Struct(
        BATCH + "UncountedTerminatedPods",
        "UIDs of ended pods the Job controller has not counted yet.",
        {
            "failed": strings("UIDs of failed pods.", list_type="set"),
            "succeeded": strings("UIDs of succeeded pods.", list_type="set"),
        },
    ),
    Struct(
        BATCH + "CronJobSpec",
        "The desired state of a CronJob.",
        {
            "concurrencyPolicy": string(
                "Allow (the default: Jobs may overlap), Forbid (skip a run while one is "
                "active) or Replace (stop the active one and start the new one).",
                enum=("Allow", "Forbid", "Replace"),
            ),
            "failedJobsHistoryLimit": int32("How many failed Jobs to keep. Defaults to 1."),
            "jobTemplate": ref(BATCH + "JobTemplateSpec", "The Job to create at each run."),
            "schedule": string('When to run, in cron syntax, e.g. "*/1 * * * *" or @hourly.'),
            "startingDeadlineSeconds": int64("How late a missed run may still start, in seconds."),
            "successfulJobsHistoryLimit": int32("How many successful Jobs to keep. Defaults to 3."),
            "suspend": boolean("While true, no new runs start. Defaults to false."),
            "timeZone": string(
                "The schedule's time zone, e.g. \"Etc/UTC\"; defaults to the controller-manager's."
            ),
        },
        required=("schedule", "jobTemplate"),
    ),
    Struct(
        BATCH + "JobTemplateSpec",
        "The Job a CronJob creates: its metadata and spec.",
        {
            "metadata": ref(OBJECT_META, "Labels and annotations for the Jobs created."),
            "spec": ref(BATCH + "JobSpec", "The spec of the Jobs created."),
        },
    ),
    Struct(
        BATCH + "CronJobStatus",
        "The observed state of a CronJob.",
        {
            "active": list_of(
                OBJECT_REFERENCE, "The Jobs of this CronJob still running.", list_type="atomic"
            ),
            "lastScheduleTime": time("When a Job was last scheduled."),
            "lastSuccessfulTime": time("When a Job last completed successfully."),
        },
    ),
)
