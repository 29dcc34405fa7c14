"""The `belonging` command: one entry point over sim, experiments and dashboards."""
