"""アクセスログ: the append-only, hash-chained, signed audit trail."""
