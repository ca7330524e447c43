"""The law of collection as pure functions over integer yen and dates. No Django."""
