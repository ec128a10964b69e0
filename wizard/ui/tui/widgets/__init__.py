"""Widgets that show evidence in the form that explains it best."""
