"""What differs by language: catalogs of fixed strings and conventions, fact formatting (CLDR), typography."""
