"""`serve`: build, serve from memory, rebuild on change, reload open pages."""
