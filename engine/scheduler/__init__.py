"""kube-scheduler (pkg/scheduler): see scheduler.py, and docs/scheduler.md for the tour."""

from engine.scheduler.scheduler import Scheduler

__all__ = ["Scheduler"]
