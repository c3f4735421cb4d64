"""Stage 4: joining what belongs together (near-duplicate documents for now)."""
from .near_duplicates import SKETCH_SIZE, estimate_similarity, sketch

__all__ = ["SKETCH_SIZE", "sketch", "estimate_similarity"]
