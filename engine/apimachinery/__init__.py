"""k8s.io/apimachinery: the pure machinery every component shares.

JSON values (value.py), JSON and merge patches (jsonpatch.py), strategic merge patch
(strategicpatch.py, patchmeta.py, mergepatch.py), field sets and server-side apply
(fieldpath.py, managedfields.py), label and field selectors (labels.py, fields.py), resource
quantities (quantity.py), API errors (errors.py) and field errors (field.py).

A leaf package: it imports nothing from the rest of the engine (tests/test_imports.py).
"""
