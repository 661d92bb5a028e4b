"""Strategies of the scheduling.k8s.io API group's resources."""
