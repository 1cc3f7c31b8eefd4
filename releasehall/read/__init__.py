"""Reading the site's files safely: text and YAML with line numbers, the declarative schema, symbolic links, URL schemes, file types."""
