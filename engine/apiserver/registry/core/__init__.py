"""Strategies of the core (legacy, "") API group's resources."""
