"""庁内データ連携基盤: the data integration hub."""
