"""Strategies of the policy API group's resources."""
