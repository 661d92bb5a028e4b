"""Strategies of the storage.k8s.io API group's resources."""
