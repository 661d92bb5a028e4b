"""The Deployment controller (pkg/controller/deployment): see controller.py."""
