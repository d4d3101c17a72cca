"""The `briefing` command line: one registry of subcommands and their argument parsing."""
