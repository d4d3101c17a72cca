"""The full-screen reader: the Textual app, its screens, widgets, keys and driver."""
