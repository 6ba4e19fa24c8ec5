"""Walk the URL resolver: every named URL with sample arguments (used by the security tests)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class NamedUrl:
    name: str
    kwargs_converters: dict[str, str]  # kwarg -> converter class name
    methods: frozenset[str] | None = None


def _walk(resolver: URLResolver, prefix: str, converters: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for pattern in resolver.url_patterns:
        conv = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            found.extend(_walk(pattern, f"{prefix}{namespace}:" if namespace else prefix, conv))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((f"{prefix}{pattern.name}", conv))
    return found


def named_urls() -> list[NamedUrl]:
    """Every named URL of the project (Django's own admin excluded), once per name."""
    seen: dict[str, NamedUrl] = {}
    for name, conv in _walk(get_resolver(), "", {}):
        if name.startswith("admin:") or name in seen:
            continue
        seen[name] = NamedUrl(name, {k: type(v).__name__ for k, v in conv.items()})
    return sorted(seen.values(), key=lambda u: u.name)


def sample_value(kwarg: str, converter: str, overrides: dict[str, Any]) -> Any:
    if kwarg in overrides:
        return overrides[kwarg]
    if converter == "IntConverter":
        return 1
    if converter == "UUIDConverter":
        return uuid.UUID(int=1)
    return "sample"


def sample_path(url: NamedUrl, overrides: dict[str, Any] | None = None) -> str:
    overrides = overrides or {}
    kwargs = {k: sample_value(k, c, overrides) for k, c in url.kwargs_converters.items()}
    return reverse(url.name, kwargs=kwargs)


def walk(
    visit: Callable[[NamedUrl, str], None],
    *,
    overrides: dict[str, Any] | None = None,
    skip: Callable[[NamedUrl], bool] = lambda u: False,
) -> int:
    """Call `visit(url, path)` for every named URL; returns how many were visited."""
    count = 0
    for url in named_urls():
        if skip(url):
            continue
        visit(url, sample_path(url, overrides))
        count += 1
    return count
