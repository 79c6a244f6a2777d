"""Alertmanager configs carried by Kubernetes objects: a Secret's (or ConfigMap's) embedded file.

The Prometheus Operator reads an Alertmanager's config from the ``alertmanager.yaml`` key
of a Secret: as text under ``stringData`` (which the API server merges over ``data``) or
base64 under ``data``. Plain Alertmanager deployments mount a ConfigMap, whose ``data``
is text. The embedded file is read as any Alertmanager config; positions inside a literal
block scalar (``alertmanager.yaml: |``) map to the file's own lines, others to the key.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Any

from mlpolicy import yamlio
from mlpolicy.artifacts import alertmanager
from mlpolicy.artifacts.alerts import Issue, MonitoringFile, Origin, Source
from mlpolicy.errors import DocumentError
from mlpolicy.yamlio import JsonPath, YamlDocument

SECRET_FORMAT = "alertmanager-secret"
CARRIERS = ("Secret", "ConfigMap")
KEYS = ("alertmanager.yaml", "alertmanager.yml")
_LITERAL = re.compile(r":[ \t]*\|[-+]?[ \t]*(?:#.*)?$")  # `key: |`, `key: |-`; no indent digit


def kind(value: dict[str, Any]) -> str | None:
    """The ``kind`` of a Kubernetes object (it has ``apiVersion`` and ``kind``), else None."""
    found = value.get("kind")
    return found if isinstance(found, str) and isinstance(value.get("apiVersion"), str) else None


def carried(value: dict[str, Any]) -> tuple[JsonPath, Any, bool] | None:
    """Where a Secret or ConfigMap holds an Alertmanager config: (key path, value, base64?)."""
    sections = ("stringData", "data") if value.get("kind") == "Secret" else ("data",)
    for section in sections:
        entries = value.get(section)
        for key in KEYS:
            if isinstance(entries, dict) and key in entries:
                encoded = value.get("kind") == "Secret" and section == "data"
                return (section, key), entries[key], encoded
    return None


def read_carried(document: YamlDocument, path: str, lines: Sequence[str]) -> MonitoringFile:
    """The Alertmanager config a Secret or ConfigMap carries, positions in the outer file."""
    found = carried(document.value)
    assert found is not None  # recognise() only sends carriers that hold a config
    key, embedded, encoded = found
    origin = _origin(document, path, key, lines, encoded)
    name = ".".join(map(str, key))
    if not isinstance(embedded, str):
        message = f"{name} must be text holding the Alertmanager config"
        return MonitoringFile(path, SECRET_FORMAT, (Issue(message, origin.anchor),), parsed=False)
    try:
        data = _decode(embedded) if encoded else embedded
        inner = yamlio.load(data)
    except ValueError as exc:  # binascii.Error, or a non-ASCII character
        message = f"{name} is not valid base64 ({exc})"
        return MonitoringFile(path, SECRET_FORMAT, (Issue(message, origin.anchor),), parsed=False)
    except DocumentError as exc:
        place = origin.place(exc.line, exc.column)
        message = origin.note(f"{name}: {exc.message}", exc.line)
        return MonitoringFile(path, SECRET_FORMAT, (Issue(message, place),), parsed=False)
    if not isinstance(inner.value, dict):
        message = f"{name} must hold an Alertmanager config (a mapping with `route`)"
        return MonitoringFile(path, SECRET_FORMAT, (Issue(message, origin.anchor),), parsed=False)
    return alertmanager.read_config(Source(inner, path, origin=origin), SECRET_FORMAT)


def _decode(encoded: str) -> bytes:
    # Kubernetes base64 is standard, padded, and may be wrapped over lines (`base64 -w76`).
    return base64.b64decode("".join(encoded.split()), validate=True)


def _origin(
    document: YamlDocument, path: str, key: JsonPath, lines: Sequence[str], encoded: bool
) -> Origin:
    line, column = document.position(key)
    anchor = Origin.at(path, line, column)
    if encoded or line is None or line > len(lines):
        return anchor
    if not _LITERAL.search(lines[line - 1].rstrip("\r")):
        return anchor
    body = [text for text in lines[line:] if text.strip()]
    indent = len(body[0]) - len(body[0].lstrip(" ")) if body else 0
    return Origin(anchor.anchor, lines=line, columns=indent)
