"""Dashboard pages: each module exposes TITLE (str), ORDER (int) and a @solara.component Page().

dashboards/app.py discovers every module here and serves it as a route and a tab, ordered by ORDER.
"""
