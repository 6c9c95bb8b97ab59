"""mydia-tui: a keyboard-driven terminal media manager that never grabs the same thing twice."""

__version__ = "0.1.0"
