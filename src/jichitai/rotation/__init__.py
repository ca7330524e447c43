"""Rotating the 個人番号 keys: ``jichitai vault rotate`` and ``jichitai vault status`` (see :mod:`.services`)."""
