"""The application icon (drawn by scripts/make_icon.py), loaded with importlib.resources."""
