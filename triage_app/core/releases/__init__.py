"""Is their release still supported? The schedule, support windows, versions in a ticket, the release CSV."""
