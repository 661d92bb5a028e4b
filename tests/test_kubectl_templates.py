"""The template languages of kubectl's output (engine/kubectl/gotemplate.py, jsonpath.py)
beyond what the twin tests compare with the real kubectl (tests/kubectl_real/test_templates.py)."""

from __future__ import annotations

import re

import pytest

from engine.kubectl import gotemplate, jsonpath

SECRET = {
    "kind": "Secret",
    "metadata": {"name": "s", "labels": {"b": "2", "a": "1"}},
    "data": {"username": "bXktYXBw"},
    "items": [{"n": 1}, {"n": 2}, {"n": 3}],
}


@pytest.mark.parametrize(
    ("template", "printed"),
    [
        ("{{.data.username | base64decode}}", "my-app"),
        ("{{.metadata.labels}}", "map[a:1 b:2]"),
        ("{{.nope}}", "<no value>"),
        ("{{if .nope}}x{{else if .data}}d{{else}}n{{end}}", "d"),
        ("{{with .metadata}}{{.name}}{{end}}", "s"),
        ("{{range $i, $e := .items}}{{$i}}:{{$e.n}} {{end}}", "0:1 1:2 2:3 "),
        ("{{range .nothing}}x{{else}}empty{{end}}", "empty"),
        ('{{$n := len .items}}{{printf "%d items, %s" $n .kind}}', "3 items, Secret"),
        ("{{- range .items }}\n  {{- .n -}}\n{{ end }}", "123"),
        ("x {{- range .items }}\n  {{ .n -}}\n{{ end }}", "x\n  1\n  2\n  3"),
        ('{{(index .items 1).n}} {{index .metadata.labels "a"}}', "2 1"),
        ('{{/* a comment */}}{{eq .kind "Secret" "ConfigMap"}}', "true"),
    ],
)
def test_go_templates(template: str, printed: str) -> None:
    assert gotemplate.render(template, SECRET) == printed


@pytest.mark.parametrize(
    ("template", "error"),
    [
        ("{{.metadata.nope.x}}", "nil pointer evaluating interface {}.x"),
        ("{{nosuch 1}}", 'function "nosuch" not defined'),
        ("{{end}}", "unexpected {{end}}"),
        ("{{if .kind}}", "unexpected EOF"),
        ("{{.kind", "unclosed action"),
        ("{{index .items 9}}", "index out of range: 9"),
    ],
)
def test_go_template_errors(template: str, error: str) -> None:
    with pytest.raises(gotemplate.TemplateError, match=re.escape(error)):
        gotemplate.render(template, SECRET)


@pytest.mark.parametrize(
    ("template", "printed"),
    [
        ("{.items[*].n}", "1 2 3"),
        ("{.items[-1].n}", "3"),
        ("{.items[0:2].n}", "1 2"),
        ("{.items[0,2].n}", "1 3"),
        ("{.items[?(@.n > 1)].n}", "2 3"),
        ("{.items[?(@.n == 2)]}", '{"n":2}'),
        ("{range .items[*]}[{.n}]{end}", "[1][2][3]"),
        ("{.metadata.labels}", '{"a":"1","b":"2"}'),
        ("{..n}", "1 2 3"),
        ("{.metadata['name']}{\"\\n\"}", "s\n"),
        ("{.nope}", ""),
    ],
)
def test_jsonpath_templates(template: str, printed: str) -> None:
    assert jsonpath.execute(template, SECRET) == printed


def test_jsonpath_errors() -> None:
    for bad in ("{.items[}", "{end}", "{.a b}", "{.items[?(@.n ~ 1)]}"):
        with pytest.raises(jsonpath.JSONPathError):
            jsonpath.execute(bad, SECRET)
