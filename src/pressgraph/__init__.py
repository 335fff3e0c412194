"""pressgraph: raw news in, a queryable knowledge graph with character-level provenance out."""

__version__ = "0.1.0"
