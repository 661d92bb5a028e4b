"""The registry: how each resource is stored (pkg/registry upstream).

store.py is the generic store every resource uses; strategy.py the rules it asks a resource
for, with the generic defaults; core/, apps/ and coordination/ hold one strategy per resource
(and the subresources with storage of their own); kinds.py registers them. How to add a kind:
docs/components.md.
"""
