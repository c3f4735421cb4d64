"""Stage 4: joining what belongs together (near-duplicate documents for now)."""
from .near_duplicates import Sketch, near_duplicate, sketch

__all__ = ["Sketch", "sketch", "near_duplicate"]
