"""site.yaml -> frozen settings, and the working-day calendar they configure."""
