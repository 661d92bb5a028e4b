"""Authorization: who may do what (kube-apiserver --authorization-mode=Node,RBAC, kubeadm's).

- `attributes.py`: what is asked (authorizer.Attributes) and upstream's Forbidden message;
- `rules.py`: whether one PolicyRule allows a request;
- `rbac.py`: the RBAC authorizer, its bindings indexed by subject;
- `node.py`: the Node authorizer for kubelets;
- `bootstrap.py` and `bootstrap_policy.yaml`: the default ClusterRoles and bindings.
"""
