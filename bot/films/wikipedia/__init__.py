"""Wikipedia as a film source: wikitext extraction, the dump reader and the live API client."""
