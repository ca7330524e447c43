"""合成都市: the synthetic city generator."""
