"""Scenario presets (TOML files in this folder), their schema and their loading."""
