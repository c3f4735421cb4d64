"""Stage 2: language-level annotation of cleaned text (sentences for now)."""
from .sentences import Sentence, split_sentences

__all__ = ["Sentence", "split_sentences"]
