"""住民記録: the resident registry, the system of record."""
