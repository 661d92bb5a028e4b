"""Strategies of the coordination.k8s.io API group's resources."""
