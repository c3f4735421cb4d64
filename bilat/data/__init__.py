"""Domain knowledge shipped as data files, loaded and validated once."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from bilat.errors import BilatError


class DataFileError(BilatError):
    """A data file is missing, not valid YAML, or has the wrong shape."""


def load_yaml(name: str) -> dict:
    try:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise DataFileError(f"bilat/data/{name}: file missing") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"bilat/data/{name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise DataFileError(f"bilat/data/{name}: expected a mapping at the top level")
    return data


def string_list(data: dict, key: str, name: str) -> list[str]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DataFileError(f"bilat/data/{name}: '{key}' must be a list of strings")
    return values


def regex_list(data: dict, key: str, name: str) -> list[re.Pattern]:
    compiled = []
    for pattern in string_list(data, key, name):
        try:
            compiled.append(re.compile(pattern, re.I))
        except re.error as exc:
            raise DataFileError(f"bilat/data/{name}: bad pattern {pattern!r} in '{key}' ({exc})") from None
    return compiled


@lru_cache(maxsize=None)
def boilerplate() -> dict:
    name = "boilerplate.yaml"
    data = load_yaml(name)
    return {
        "lines": {line.strip().lower() for line in string_list(data, "lines", name)},
        "patterns": regex_list(data, "patterns", name),
        "footer_cues": regex_list(data, "footer_cues", name),
    }


@lru_cache(maxsize=None)
def metadata_rules() -> dict:
    name = "metadata.yaml"
    data = load_yaml(name)
    publishers = data.get("publishers", {})
    if not isinstance(publishers, dict):
        raise DataFileError(f"bilat/data/{name}: 'publishers' must map names to alias lists")
    aliases: dict[str, str] = {}
    for canonical, names in publishers.items():
        if not isinstance(names, list):
            raise DataFileError(f"bilat/data/{name}: publisher {canonical!r} needs a list of aliases")
        for alias in [canonical, *names]:
            aliases[str(alias).lower()] = canonical
    return {
        "publishers": aliases,
        "generic_headings": {h.lower().strip() for h in string_list(data, "generic_headings", name)},
    }
