"""`kubectl describe` of the RBAC kinds (staging/src/k8s.io/kubectl/pkg/describe/describe.go
RoleDescriber, ClusterRoleDescriber, RoleBindingDescriber, ClusterRoleBindingDescriber), with
kubectl's own compaction of rules (staging/src/k8s.io/kubectl/pkg/util/rbac: BreakdownRule,
CompactRules, SortableRuleSlice)."""

from __future__ import annotations

from engine.kubectl.describe_writer import (
    LEVEL_0,
    LEVEL_1,
    Obj,
    PrefixWriter,
    print_annotations,
    print_labels,
    tabbed,
)

Rule = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
# (verbs, apiGroups, resources, resourceNames, nonResourceURLs): PolicyRule's field order,
# which its generated String() follows and SortableRuleSlice sorts by.


def describe_role(role: Obj) -> str:
    """RoleDescriber and ClusterRoleDescriber: the same page."""
    meta = role.get("metadata", {})
    rules = compact_rules([r for rule in role.get("rules") or [] for r in breakdown_rule(rule)])

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "PolicyRule:\n")
        w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n")
        for rule in rules:
            w.write(LEVEL_1, "\t".join(rule_cells(rule)) + "\n")

    return tabbed(body)


def describe_binding(binding: Obj) -> str:
    """RoleBindingDescriber and ClusterRoleBindingDescriber."""
    meta, ref = binding.get("metadata", {}), binding.get("roleRef") or {}

    def body(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "Role:\n")
        w.write(LEVEL_1, f"Kind:\t{ref.get('kind', '')}\n")
        w.write(LEVEL_1, f"Name:\t{ref.get('name', '')}\n")
        w.write(LEVEL_0, "Subjects:\n")
        w.write(LEVEL_1, "Kind\tName\tNamespace\n")
        w.write(LEVEL_1, "----\t----\t---------\n")
        for s in binding.get("subjects") or []:
            w.write(
                LEVEL_1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n"
            )

    return tabbed(body)


def breakdown_rule(rule: Obj) -> list[Rule]:
    """BreakdownRule: one rule per group, resource, verb (and name); URLs per verb."""
    verbs = rule.get("verbs") or []
    names = rule.get("resourceNames") or []
    out: list[Rule] = [
        ((verb,), (group,), (resource,), (name,) if name else (), ())
        for group in rule.get("apiGroups") or []
        for resource in rule.get("resources") or []
        for verb in verbs
        for name in (names or [""])
    ]
    out += [
        ((verb,), (), (), (), (url,)) for url in rule.get("nonResourceURLs") or [] for verb in verbs
    ]
    return out


def compact_rules(rules: list[Rule]) -> list[Rule]:
    """CompactRules: rules of one group, one resource and at most one name merge their verbs
    (in first-seen order); then SortableRuleSlice orders them by their String()."""
    compacted: list[Rule] = []
    simple: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for verbs, groups, resources, names, urls in rules:
        if len(names) > 1 or urls or len(groups) != 1 or len(resources) != 1:
            compacted.append((verbs, groups, resources, names, urls))
            continue
        merged = simple.setdefault((groups[0], resources[0], names), [])
        merged += [v for v in verbs if v not in merged]
    compacted += [(tuple(v), (g,), (r,), n, ()) for (g, r, n), v in simple.items()]
    return sorted(compacted, key=_rule_string)


def rule_cells(rule: Rule) -> tuple[str, str, str, str]:
    """Resources, Non-Resource URLs, Resource Names, Verbs: as describe and can-i --list
    print a rule."""
    verbs, groups, resources, names, urls = rule
    return _resource_group(resources, groups), _go(urls), _go(names), _go(verbs)


def _rule_string(rule: Rule) -> str:
    """PolicyRule.String() (generated.pb.go), the sort key."""
    verbs, groups, resources, names, urls = rule
    return (
        f"&PolicyRule{{Verbs:{_go(verbs)},APIGroups:{_go(groups)},Resources:{_go(resources)},"
        f"ResourceNames:{_go(names)},NonResourceURLs:{_go(urls)},}}"
    )


def _go(values: tuple[str, ...]) -> str:
    """%v of a []string."""
    return "[" + " ".join(values) + "]"


def _resource_group(resources: tuple[str, ...], groups: tuple[str, ...]) -> str:
    """CombineResourceGroup: `deployments.apps`, `pods/log`, `deployments.apps/scale`."""
    if not resources:
        return ""
    resource, _, sub = resources[0].partition("/")
    if groups and groups[0]:
        resource += "." + groups[0]
    return resource + (f"/{sub}" if sub else "")
