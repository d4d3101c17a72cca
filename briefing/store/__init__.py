"""What the reader keeps on disk: state, preferences, versions, read marks, the library.

No Textual here.
"""
