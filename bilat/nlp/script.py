"""Telling Vietnamese text by its letters: the vowels with breves, circumflexes,
horns and tone marks, and đ, that English never uses."""
from __future__ import annotations

import re

VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def has_vietnamese_letters(text) -> bool:
    return bool(VIETNAMESE_LETTERS.search(str(text or "")))
