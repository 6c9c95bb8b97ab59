"""The automatic loop: the search monitor, the download monitor, import and reconciliation.

The same code runs headless (``mydia-tui monitor``) and inside the TUI (a thread worker).
"""
