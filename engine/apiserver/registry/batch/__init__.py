"""batch/v1: Jobs and CronJobs (pkg/registry/batch)."""
