"""The planner dashboard: a Solara app (dashboards/app.py) with one page per module in dashboards/pages/.

Imports sim and experiments; neither imports it.
"""
