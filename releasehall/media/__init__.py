"""Files editors attach: images (sizes, variants, no metadata) and listed attachments."""
