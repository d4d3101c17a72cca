"""What changed in a briefing since it was last read, and noticing its file change. No Textual."""
