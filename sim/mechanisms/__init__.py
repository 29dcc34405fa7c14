"""One module per mechanism, run each week in the order of WEEKLY_ORDER (DESIGN.md)."""
