"""Markdown bodies -> sanitized HTML, links between sources rewritten and checked, anchors."""
