"""Orchestration and I/O: Prefect flows and tasks, HTTP fetching, configuration, the CLI."""
