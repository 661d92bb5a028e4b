"""The ValidatingAdmissionPolicy admission plugin: CEL expressions (cel.py), which requests a
policy and its bindings match (matching.py), and the plugin itself (validating.py)."""
