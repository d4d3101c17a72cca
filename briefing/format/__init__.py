"""The briefing format, version 1: read untrusted YAML into a validated model. No Textual."""
