"""Strategies of the discovery.k8s.io API group's resources."""
