"""Where a person's plan, log, reviews and backups are kept: the workspace and what it is built from."""
