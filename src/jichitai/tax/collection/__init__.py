"""Who pays what and when (徴収): 給与からの特別徴収, 普通徴収, 公的年金からの特別徴収, and 更正 re-spreads.

``domain`` is pure law (no Django); ``services`` builds and stores the schedules from the assessments.
"""
