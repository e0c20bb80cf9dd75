"""Themes as data: a manifest of design tokens, layered folders of templates and assets, fonts."""
