"""pressgraph: raw news in, a queryable knowledge graph with character-level provenance out.

>>> import pressgraph
>>> extraction = pressgraph.extract("BAMAKO, June 2 - ...", published="2024-06-02")

``pressgraph.extract`` is also the package of extractors (``pressgraph.extract.events``...):
an attribute of this package cannot be both a function and a subpackage, because importing the
subpackage replaces the attribute.  So the subpackage's module is made callable instead; both
uses keep working whatever is imported first.
"""

import sys
import types
from typing import Any

__version__ = "0.1.0"

# After __version__: the modules this imports may read it.
import pressgraph.extract as _extract_package


class _CallableExtractPackage(types.ModuleType):
    def __call__(self, texts: Any, /, **options: Any) -> Any:
        """Extract one text or Article (-> its Extraction), or several (-> a list, linked
        across one another); see :func:`pressgraph.service.extract_texts` for the options."""
        from pressgraph.service import extract_texts

        return extract_texts(texts, **options)


_extract_package.__class__ = _CallableExtractPackage
extract = sys.modules["pressgraph.extract"]

__all__ = ["__version__", "extract"]
