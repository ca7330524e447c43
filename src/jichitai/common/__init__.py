"""The shared kernel: dates in 和暦, yen and statutory rounding, check digits, Japanese text, the error root.

Pure Python: nothing here imports Django.
"""
