"""admissionregistration.k8s.io: pkg/registry/admissionregistration."""
