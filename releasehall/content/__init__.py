"""content/ -> model records: walking departments' folders, validating every file, slugs, personal data, aliases."""
