"""The document a template renders: prose as inline trees, facts formatted, everything localised."""
