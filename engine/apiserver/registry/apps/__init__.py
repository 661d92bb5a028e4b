"""Strategies of the apps API group's resources."""
