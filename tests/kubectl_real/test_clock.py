"""The real kubectl works out some ages itself, against the machine's clock (describe's
events); the cluster's times reach it moved onto that clock (web/kube_api/wallclock.py), so
its ages are the cluster's, as the page shows them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.kubectl_real.conftest import Kube, needs_running_pods
from tests.kubectl_real.manifests import POD


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


@needs_running_pods
def test_describe_ages_and_timestamps_are_on_the_clients_clock(kube: Kube) -> None:
    (kube.home / "pod.yaml").write_text(POD)
    assert kube("apply", "-f", "pod.yaml").code == 0
    assert kube("wait", "--for=condition=Ready", "pod/web", "--timeout=60s").code == 0

    created = kube("get", "pod", "web", "-o", "jsonpath={.metadata.creationTimestamp}").stdout
    assert abs(_stamp(created) - datetime.now(UTC)) < timedelta(minutes=5), created

    described = kube("describe", "pod", "web").stdout
    events = described[described.index("Events:") :].splitlines()[3:]
    assert events, described
    # Type, Reason, Age, From, Message: an age of seconds, not "338d".
    ages = [re.split(r"\s{2,}", line.strip())[2] for line in events]
    assert all(re.fullmatch(r"\d+s|\d+m\d*s?", age) for age in ages), ages

    stamped = kube("logs", "web", "--timestamps").stdout.splitlines()
    assert stamped, "nginx writes its start-up lines"
    assert abs(_stamp(stamped[0].split()[0]) - datetime.now(UTC)) < timedelta(minutes=5)
    # sinceTime is read on the same clock: an hour ago takes every line, an hour ahead none.
    hour = timedelta(hours=1)
    past = (datetime.now(UTC) - hour).strftime("%Y-%m-%dT%H:%M:%SZ")
    future = (datetime.now(UTC) + hour).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(kube("logs", "web", f"--since-time={past}").stdout.splitlines()) == len(stamped)
    assert kube("logs", "web", f"--since-time={future}").stdout == ""
