"""networking.k8s.io: Ingresses, IngressClasses and NetworkPolicies (pkg/registry/networking)."""
