"""災害対策: replication across regions, drills, backup and restore."""
