"""The hardened YAML loader: values, positions, and every hostile input of SPEC section 11."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy import yamlcache, yamlio
from mlpolicy.errors import DocumentError


@pytest.fixture(autouse=True, scope="module")
def _parser_only() -> Iterator[None]:
    """These tests are about the parser: no answer comes from the parse cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlcache, "key", lambda *_: None)
        yield


def test_values_and_positions_follow_yaml_1_2() -> None:
    doc = yamlio.load(b"a: yes\nb: [1, 0x1f, 1.5, ~, 'x']\nc:\n  d: 2027-01-31\n")
    # YAML 1.2: "yes" is a string and dates stay strings (no implicit timestamps).
    assert doc.value == {"a": "yes", "b": [1, 31, 1.5, None, "x"], "c": {"d": "2027-01-31"}}
    assert doc.positions[("c", "d")] == (4, 3)
    assert doc.position(("b", 1)) == (2, 8)
    assert doc.position(("c", "missing")) == (3, 1)


def test_crlf_and_bom_are_ordinary_text() -> None:
    doc = yamlio.load(b"\xef\xbb\xbfversion: 1\r\nphase: ideation\r\n")
    assert doc.value == {"version": 1, "phase": "ideation"}
    assert doc.positions[("phase",)] == (2, 1)


@pytest.mark.parametrize(
    ("data", "words", "line"),
    [
        (b"a: 1\na: 2\n", "duplicate key", 2),
        (b"a: &x [1]\nb: *x\n", "aliases", 2),
        (b"a: [1\n", "invalid YAML", 2),
        (b"---\na: 1\n---\nb: 2\n", "more than one", 3),
        (b"a: !!python/object:os.system x\n", "unsupported YAML tag", 1),
        (b"a: 1\n\xff\xfe\n", "not valid UTF-8", 2),
        (b"a: \x00\n", "binary", None),
    ],
)
def test_bad_documents_raise_with_a_line(data: bytes, words: str, line: int | None) -> None:
    with pytest.raises(DocumentError) as caught:
        yamlio.load(data)
    assert words in caught.value.message
    assert caught.value.line == line


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = b"a: &a [x,x,x,x,x,x,x,x,x]\n" + b"".join(
        b"%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n" % ((98 + i,) * 2 + (97 + i,) * 9)
        for i in range(8)
    )
    with pytest.raises(DocumentError, match="aliases"):
        yamlio.load(bomb)


@pytest.mark.parametrize("depth", [65, 100_000, 500_000])
def test_deep_nesting_is_bounded_without_crashing(depth: int) -> None:
    for data in (b"[" * depth + b"]" * depth, b"- " * depth + b"x"):
        with pytest.raises(DocumentError, match="nesting"):
            yamlio.load(data)


def test_oversized_file_is_refused() -> None:
    with pytest.raises(DocumentError, match="too large"):
        yamlio.load(b"a: 1\n" + b"#" * yamlio.MAX_BYTES)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_escape_as_other_exceptions(data: bytes) -> None:
    with contextlib.suppress(DocumentError):
        yamlio.load(data)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!? \n\t'\"#|>%@`~0.1")), max_size=300))
def test_arbitrary_yaml_like_text_never_escapes(text: str) -> None:
    with contextlib.suppress(DocumentError):
        yamlio.load(text.encode())


def test_yaml_1_2_documents_libyaml_rejects_still_load() -> None:
    # A URL as a plain scalar in a flow mapping: valid YAML 1.2, refused by libyaml.
    doc = yamlio.load(b"annotations: {runbook_url: https://wiki.example.com/a#b}\n")
    assert doc.value == {"annotations": {"runbook_url": "https://wiki.example.com/a#b"}}
    assert doc.positions[("annotations", "runbook_url")] == (1, 15)


def test_load_all_reads_every_document_with_file_lines() -> None:
    first, second, empty = yamlio.load_all(b"a: 1\n---\nkind: Secret\nb: [2]\n---\n")
    assert (first.value, second.value, empty.value) == (
        {"a": 1},
        {"kind": "Secret", "b": [2]},
        None,
    )
    # Paths start at each document's root; lines count from the top of the file.
    assert second.positions[("b",)] == (4, 1)
    assert yamlio.load_all(b"") == ()
    # The same guards as load: a bad second document is refused at its own line.
    with pytest.raises(DocumentError, match="aliases") as caught:
        yamlio.load_all(b"a: 1\n---\nb: *x\n")
    assert caught.value.line == 3


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{},&*!? \n\t'\"#|>%@`~0.1")), max_size=300))
def test_load_all_never_escapes(text: str) -> None:
    with contextlib.suppress(DocumentError):
        for document in yamlio.load_all(text.encode()):
            assert isinstance(document.positions, dict)


def test_core_schema_edges_resolve_as_the_patterns_say() -> None:
    wide = "\uff12"  # a full-width digit: a digit to str.isdigit, not to YAML
    doc = yamlio.load(
        f'a: [007, +1, 0o17, 1_000, "{wide}", {wide}, '
        'nothing, truly, Null, -.inf, 1e3, !!float "2"]\n'
        "b: !!int |\n  5\nc: !!null |\n  null\n1: x\ntrue: y\nnull: z\n1.5: w\n.inf: v\n"
    )
    # Underscores make strings; a block scalar's final newline does not stop a tag's
    # pattern; keys that resolve to non-strings keep their YAML spelling.
    items = [7, 1, 15, "1_000", wide, wide, "nothing", "truly", None, -math.inf, 1e3, 2.0]
    assert repr(doc.value) == repr(
        {"a": items, "b": 5, "c": None, "1": "x", "true": "y", "null": "z", "1.5": "w", "inf": "v"}
    )
    assert doc.positions[("a", 11)] == (1, 69)
    assert doc.positions[("inf",)] == (10, 1)
