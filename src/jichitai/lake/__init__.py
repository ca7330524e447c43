"""分析基盤: the Apache Iceberg lake (raw, standard, lounge zones)."""
