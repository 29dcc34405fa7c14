"""Components shared by the dashboard pages: scenario controls, charts, exports."""
