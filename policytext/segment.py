"""Policy-aware word segmentation (分词) with character spans.

Plain jieba cuts exactly the words a policy researcher counts: 产教融合 → 产教/融合,
市人社局 → 市人/社局.  :class:`Segmenter` owns its own tokenizer (never jieba's global one),
loads a bundled policy lexicon (terms of art, programme names, agency names with high
frequencies), keeps every term quoted in “…” (2–8 characters) whole, and can be adapted to a
document or corpus (quoted programmes, 《》 titles, unit names, discovered terms).

Two backends give the same tokens: ``jieba`` (the reference, pure Python) and ``rjieba``
(jieba-rs, Rust, ~15× faster).  ``backend="auto"`` picks rjieba when it is installed.

>>> from policytext import Segmenter
>>> Segmenter().cut("市人社局推进产教融合")
['市人社局', '推进', '产教融合']
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.resources
import importlib.util
import logging
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from policytext.errors import ConfigurationError, DependencyError

if TYPE_CHECKING:  # pragma: no cover
    from policytext.model import PolicyDocument

BACKENDS = ("auto", "jieba", "rjieba")

#: Default frequencies for words we add (jieba's dictionary totals ~60 M).
AGENCY_FREQ = 50_000
TERM_FREQ = 20_000
QUOTED_FREQ = 20_000
DISCOVERED_FREQ = 3_000

#: A term quoted in “…” / 「…」 of 2–8 characters is always one token.
_QUOTED = re.compile(r"(?<=[“「])(?=\S)[^“”「」\n\r]{2,8}(?<=\S)(?=[”」])")
#: Latin letters and digits joined by - _ . (LTE-V2X, GB/T 26790.1-2011, 2026-02-09, 0532-88999976):
#: one token.  jieba cuts them at the joiners and jieba-rs does not; doing it here makes both agree.
_JOINED_ASCII = re.compile(r"(?<![A-Za-z0-9._\-])[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+(?![A-Za-z0-9])")
_ASCII_HINT = re.compile(r"[A-Za-z0-9][-_.][A-Za-z0-9]")
_TITLE = re.compile(r"《([^《》\n]{2,40})》")
_NUMERIC = re.compile(
    r"^[\d０-９.．%％‰~～\-—+/×:：]+$|^\d+(年|月|日|号|项|个|家|亿|万|元|倍|次|人|名|所|条)+$"
)
_CN_NUMERAL = re.compile(
    r"^[一二三四五六七八九十百千万亿零〇两几]+([个项条家人元户次名所座亩吨倍]|万人|亿元|万元)?$"
)


#: A content token as a plain tuple ``(text, start, end, pos)``: what :meth:`Segmenter.content_tuples`
#: returns for counting, without building a :class:`Token` per word.
TokenTuple = tuple[str, int, int, str | None]
#: Per-word caches of a segmenter are emptied when they reach this size (bounded memory on huge corpora).
_WORD_CACHE_LIMIT = 500_000
#: Up to this many new words in a piece are tagged one by one (~3.5 µs each), more and the whole piece
#: is tagged (~2.3 ms for a 5,000-character law, measured).
_TAG_ALONE_LIMIT = 600


@dataclass(frozen=True, slots=True)
class Token:
    """One token with its half-open character span ``[start, end)`` into the text passed in."""

    text: str
    start: int
    end: int
    pos: str | None = None
    is_stop: bool = False


# -- bundled data --------------------------------------------------------------------


def _data_path(name: str) -> Path:
    return Path(str(importlib.resources.files("policytext") / "data" / name))


def read_dictionary(path: str | Path) -> list[tuple[str, int | None, str | None]]:
    """Read a jieba-format dictionary (``word [freq] [pos]`` per line, ``#`` comments).

    Raises :class:`ConfigurationError` naming the file and line for a malformed entry.
    """
    entries: list[tuple[str, int | None, str | None]] = []
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"cannot read dictionary: {error}", path) from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq: int | None = None
        pos: str | None = None
        if len(parts) >= 2:
            if not parts[1].isdigit():
                raise ConfigurationError(f"line {number}: frequency {parts[1]!r} is not a number", path)
            freq = int(parts[1])
        if len(parts) >= 3:
            pos = parts[2]
        if len(parts) > 3:
            raise ConfigurationError(f"line {number}: expected 'word [freq] [pos]'", path)
        entries.append((parts[0], freq, pos))
    return entries


def read_wordlist(path: str | Path) -> frozenset[str]:
    """A word list, one per line, ``#`` comments allowed."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"cannot read word list: {error}", path) from None
    return frozenset(w for line in lines if (w := line.split("#", 1)[0].strip()))


@lru_cache(maxsize=1)
def policy_lexicon() -> tuple[tuple[str, int, str], ...]:
    """The bundled policy lexicon: ``(word, freq, pos)``; pos ``nt`` marks agencies, ``nz`` terms."""
    return tuple(
        (w, f or TERM_FREQ, p or "nz") for w, f, p in read_dictionary(_data_path("policy_lexicon.txt"))
    )


@lru_cache(maxsize=1)
def bundled_stopwords() -> frozenset[str]:
    """Function words and structural words of policy prose (的, 和, 有关, 责任单位 …)."""
    return read_wordlist(_data_path("stopwords.txt"))


@lru_cache(maxsize=1)
def bundled_boilerplate() -> frozenset[str]:
    """Policy boilerplate verbs and adverbs (加强, 推进, 深化, 进一步 …): no topical content."""
    return read_wordlist(_data_path("boilerplate.txt"))


@lru_cache(maxsize=65_536)
def _is_punct_or_space_char(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PSZC"


def is_punct_or_space(text: str) -> bool:
    """Only punctuation, symbols, separators, control characters or white space (one lookup per
    distinct character: the Unicode category is computed once per process)."""
    return all(map(_is_punct_or_space_char, text))


_FIVE_YEAR_PLAN = re.compile(r"^十[一二三四五六七八九]五$")  # 十四五 is a plan, not a number


def is_numeric(text: str) -> bool:
    """Numbers, years, percentages and counted quantities (2025年, 10%, 200项, 三)."""
    return bool(_NUMERIC.match(text) or _CN_NUMERAL.match(text)) and not _FIVE_YEAR_PLAN.match(text)


def quoted_terms(text: str) -> list[str]:
    """Terms quoted in “…” or 「…」 of 2–8 characters, in order of appearance."""
    return [m.group(0) for m in _QUOTED.finditer(text)]


def title_terms(text: str, max_len: int = 20) -> list[str]:
    """Titles in 《…》 short enough to be used as one token (no punctuation inside)."""
    return [t for t in _TITLE.findall(text) if len(t) <= max_len and not any(is_punct_or_space(c) for c in t)]


# -- backends --------------------------------------------------------------------------


class _Backend(Protocol):
    def add_word(self, word: str, freq: int, pos: str | None) -> None: ...
    def cut(self, text: str) -> list[str]: ...
    def tokenize(self, text: str) -> list[tuple[str, int, int]]: ...
    def tag(self, text: str) -> list[tuple[str, str]]: ...
    def has_word(self, word: str) -> bool: ...


_JIEBA_LOCK = threading.Lock()


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    """jieba logs 'Building prefix dict…' to stderr; the library must not print."""
    logger = logging.getLogger("jieba")
    with _JIEBA_LOCK:
        previous = logger.disabled
        logger.disabled = True
        try:
            yield
        finally:
            logger.disabled = previous


class _JiebaBackend:
    """The reference backend: our own ``jieba.Tokenizer`` with its cache in our cache folder."""

    def __init__(self, cache_dir: Path) -> None:
        import jieba

        self._tokenizer = jieba.Tokenizer()
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._tokenizer.tmp_dir = str(cache_dir)
        with _quiet_jieba():
            self._tokenizer.initialize()
        self._pos: Any = None

    def add_word(self, word: str, freq: int, pos: str | None) -> None:
        self._tokenizer.add_word(word, freq, pos)

    def has_word(self, word: str) -> bool:
        return bool(self._tokenizer.FREQ.get(word))

    def cut(self, text: str) -> list[str]:
        return self._tokenizer.lcut(text)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        return list(self._tokenizer.tokenize(text))

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Dictionary tags on the tokens of ``cut`` (as jieba-rs does), so that tokens with and
        without POS are the same; ``jieba.posseg`` would re-segment with its own HMM."""
        if self._pos is None:
            from jieba import posseg

            with _quiet_jieba():
                self._pos = posseg.POSTokenizer(self._tokenizer)
            self._pos.word_tag_tab.update(self._tokenizer.user_word_tag_tab)
        table = self._pos.word_tag_tab
        return [(word, table.get(word) or _guess_tag(word)) for word in self._tokenizer.lcut(text)]


_ASCII_WORD = re.compile(r"^[A-Za-z0-9.+#&_%\-]+$")


def _guess_tag(word: str) -> str:
    """jieba's tags for words outside the dictionary: numbers, Latin words, anything else."""
    if word.isdigit():
        return "m"
    if _ASCII_WORD.match(word):
        return "eng"
    return "x"


class _RjiebaBackend:
    """jieba-rs through rjieba: a private ``rjieba.Jieba`` instance, never the module default."""

    def __init__(self) -> None:
        self._jieba = _rjieba_class()()

    def add_word(self, word: str, freq: int, pos: str | None) -> None:
        self._jieba.add_word(word, freq, pos)

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word))

    # jieba-rs takes UTF-8 only: a lone surrogate (a JSON "\ud800" escape gives one) is replaced by
    # U+FFFD for the backend, one character for one, and the tokens are cut from the original text.
    def cut(self, text: str) -> list[str]:
        try:
            return self._jieba.cut(text)
        except UnicodeEncodeError:
            return _reslice(text, self._jieba.cut(_without_surrogates(text)))

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        try:
            return self._jieba.tokenize(text)
        except UnicodeEncodeError:
            return [(text[s:e], s, e) for _, s, e in self._jieba.tokenize(_without_surrogates(text))]

    def tag(self, text: str) -> list[tuple[str, str]]:
        try:
            return self._jieba.tag(text)
        except UnicodeEncodeError:
            tagged = self._jieba.tag(_without_surrogates(text))
            words = _reslice(text, [w for w, _ in tagged])
            return [(word, tag) for word, (_, tag) in zip(words, tagged, strict=True)]


_SURROGATES = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    return _SURROGATES.sub("\ufffd", text)


def _reslice(text: str, words: list[str]) -> list[str]:
    """The same tokens, cut from ``text`` by length (the backend saw a same-length copy)."""
    out, position = [], 0
    for word in words:
        out.append(text[position : position + len(word)])
        position += len(word)
    return out


def rjieba_available() -> bool:
    return importlib.util.find_spec("rjieba") is not None


@lru_cache(maxsize=1)
def _rjieba_class() -> Any:
    """``rjieba.Jieba`` without running ``rjieba/__init__.py``, which builds a module-level default
    tokenizer (a full dictionary load, ~0.2–0.8 s and tens of MB) that we never use.

    The compiled extension is loaded straight from the package folder; if that fails (another
    layout, or rjieba already imported) the ordinary import is used.
    """
    if "rjieba" not in sys.modules:
        try:
            spec = importlib.util.find_spec("rjieba")
            folder = Path(next(iter(spec.submodule_search_locations or ()))) if spec else None
            library = (
                next(folder.glob("rjieba*.so"), None) or next(folder.glob("rjieba*.pyd"), None)
                if folder
                else None
            )
            if library is not None:
                loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(library))
                extension_spec = importlib.util.spec_from_file_location(
                    "rjieba.rjieba", library, loader=loader
                )
                if extension_spec is not None:
                    module = importlib.util.module_from_spec(extension_spec)
                    loader.exec_module(module)
                    # a later ``import rjieba`` then reuses this module instead of initialising the
                    # extension a second time (which newer PyO3 builds refuse)
                    sys.modules["rjieba.rjieba"] = module
                    return module.Jieba
        except (ImportError, OSError, StopIteration):  # pragma: no cover - fall back to the import
            pass
    try:
        import rjieba
    except ImportError as error:  # pragma: no cover - rjieba is a dependency
        raise DependencyError("backend 'rjieba' needs the rjieba package (pip install rjieba)") from error
    return rjieba.Jieba


def _resolve_backend(name: str) -> str:
    if name not in BACKENDS:
        raise ConfigurationError(f"unknown segmentation backend {name!r} (choose from {', '.join(BACKENDS)})")
    if name == "auto":
        return "rjieba" if rjieba_available() else "jieba"
    return name


# -- the segmenter ---------------------------------------------------------------------

WordEntry = tuple[str, int, str | None]


def _normalise_extra(words: Iterable[Any]) -> list[WordEntry]:
    """Accept ``"词"``, ``("词", freq)`` or ``("词", freq, pos)``."""
    out: list[WordEntry] = []
    for item in words:
        if isinstance(item, str):
            word, freq, pos = item, TERM_FREQ, None
        else:
            parts = tuple(item)
            if not parts or not isinstance(parts[0], str):
                raise ConfigurationError(f"extra word {item!r} must be a string or (word, freq[, pos])")
            word = parts[0]
            freq = int(parts[1]) if len(parts) > 1 and parts[1] is not None else TERM_FREQ
            pos = parts[2] if len(parts) > 2 else None
        word = word.strip()
        if word and not any(ch.isspace() for ch in word):
            out.append((word, freq, pos))
    return out


class Segmenter:
    """Policy-aware segmenter with a private tokenizer, a policy lexicon and character spans.

    ``backend``: ``"auto"`` (rjieba when installed), ``"jieba"`` or ``"rjieba"``; both give the
    same tokens.  ``lexicon``: load the bundled policy lexicon.  ``user_dict``: path(s) of
    jieba-format dictionaries (``word [freq] [pos]``).  ``extra_words``: words to add (strings or
    ``(word, freq[, pos])``).  ``stopwords``: ``None`` for the bundled list, ``False`` for none, or
    a path / iterable of words added to the bundled list.  ``boilerplate``: treat policy
    boilerplate (加强, 推进 …) as stopwords in ``is_stop``.  ``pos``: tag tokens with parts of speech.
    ``protect_quoted``: keep every term quoted in “…” (2–8 characters) as one token.
    ``forced_words``: words that are always one token, matched before the backend runs (what
    :meth:`adapted` adds; cheap, because the backend's dictionary is not rebuilt).

    The object is cheap to create and picklable: the backend is built on first use, in each
    process (jieba tokenizers cannot be pickled).
    """

    def __init__(
        self,
        backend: str = "auto",
        *,
        lexicon: bool = True,
        user_dict: str | Path | Sequence[str | Path] | None = None,
        extra_words: Iterable[Any] = (),
        stopwords: Any = None,
        boilerplate: bool = True,
        cache_dir: str | Path | None = None,
        pos: bool = False,
        protect_quoted: bool = True,
        forced_words: Iterable[Any] = (),
    ) -> None:
        self.backend_name = _resolve_backend(backend)
        self.lexicon = lexicon
        if user_dict is None:
            self.user_dicts: tuple[str, ...] = ()
        elif isinstance(user_dict, (str, Path)):
            self.user_dicts = (str(user_dict),)
        else:
            self.user_dicts = tuple(str(p) for p in user_dict)
        self.extra_words: tuple[WordEntry, ...] = tuple(_normalise_extra(extra_words))
        self.boilerplate = boilerplate
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.pos = pos
        self.protect_quoted = protect_quoted
        # words that are always one token, matched before the backend runs (see ``adapted``)
        self.forced_words: tuple[WordEntry, ...] = tuple(_normalise_extra(forced_words))
        self._protect: re.Pattern[str] | None = None
        if isinstance(stopwords, (str, Path)):
            stopwords = read_wordlist(stopwords)  # read once: the object must pickle without the file
        self._stopwords_option = stopwords
        self.stopwords: frozenset[str] = self._build_stopwords(stopwords, boilerplate)
        # validate user dictionaries now, so that a bad file fails at construction
        self._user_entries: tuple[tuple[str, int | None, str | None], ...] = tuple(
            entry for path in self.user_dicts for entry in read_dictionary(path)
        )
        self._backend: _Backend | None = None
        self._lock = threading.Lock()
        self._known: frozenset[str] | None = None
        self._agencies: frozenset[str] | None = None
        self._tags: dict[str, str] | None = None
        # per-word flags filled as words are met (pure functions of the word for this segmenter)
        self._stop_flags: dict[str, bool] = {}  # word -> is_stop
        self._content_flags: dict[str, bool] = {}  # word -> counts as content (see is_content)
        self._dictionary_flags: dict[str, bool] = {}  # word -> in_dictionary
        self._tag_cache: dict[str, str] = {}  # word -> its tag in tokenize(pos=True)

    # -- configuration -------------------------------------------------------------
    @staticmethod
    def _build_stopwords(option: Any, boilerplate: bool) -> frozenset[str]:
        words: set[str] = set()
        if option is not False:
            words |= bundled_stopwords()
            if option is not None:
                if isinstance(option, (str, Path)):
                    words |= read_wordlist(option)
                else:
                    words |= {str(w) for w in option}
        if boilerplate:
            words |= bundled_boilerplate()
        return frozenset(words)

    def _config(self) -> dict[str, Any]:
        return {
            "backend": self.backend_name,
            "lexicon": self.lexicon,
            "user_dict": list(self.user_dicts),
            "extra_words": list(self.extra_words),
            "stopwords": self._stopwords_option,
            "boilerplate": self.boilerplate,
            "cache_dir": self.cache_dir,
            "pos": self.pos,
            "protect_quoted": self.protect_quoted,
            "forced_words": list(self.forced_words),
        }

    def __getstate__(self) -> dict[str, Any]:
        """The configuration only; user dictionaries travel as words, not as paths, so that a
        worker process (or another machine) does not need the files."""
        state = self._config()
        state["user_dict"] = []
        state["extra_words"] = [(w, f or TERM_FREQ, p) for w, f, p in self._user_entries] + list(
            self.extra_words
        )
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state.pop("backend"), **state
        )

    def __repr__(self) -> str:
        return (
            f"Segmenter(backend={self.backend_name!r}, lexicon={self.lexicon}, "
            f"extra_words={len(self.extra_words)}, pos={self.pos})"
        )

    def with_options(self, **changes: Any) -> Segmenter:
        """A copy with some constructor options changed (the backend is rebuilt lazily)."""
        config = self._config()
        config.update(changes)
        return Segmenter(config.pop("backend"), **config)

    @property
    def words(self) -> list[WordEntry]:
        """Every word this segmenter adds on top of the backend's own dictionary."""
        entries: list[WordEntry] = []
        if self.lexicon:
            entries.extend(policy_lexicon())
        entries.extend((w, f or TERM_FREQ, p) for w, f, p in self._user_entries)
        entries.extend(self.extra_words)
        entries.extend(self.forced_words)
        return entries

    @property
    def known_terms(self) -> frozenset[str]:
        """Words from the lexicon, user dictionaries and extra words (multi-character only)."""
        if self._known is None:
            self._known = frozenset(w for w, _, _ in self.words if len(w) > 1)
        return self._known

    @property
    def agency_names(self) -> frozenset[str]:
        """Words added as agencies (pos ``nt``): lexicon agencies and the documents' unit names."""
        if self._agencies is None:
            self._agencies = frozenset(w for w, _, p in self.words if p == "nt")
        return self._agencies

    @property
    def word_tags(self) -> dict[str, str]:
        """POS of the words we add; they override the backend's tag (rjieba keeps the old tag of a
        word already in its dictionary, jieba takes the new one: this makes both agree)."""
        if self._tags is None:
            self._tags = {w: p or "nz" for w, _, p in self.words}
        return self._tags

    def in_dictionary(self, word: str) -> bool:
        """Whether ``word`` is a dictionary word (else the HMM made it up from single characters)."""
        flags = self._dictionary_flags
        found = flags.get(word)
        if found is None:
            if len(flags) >= _WORD_CACHE_LIMIT:
                flags.clear()
            found = flags[word] = word in self.word_tags or self.backend.has_word(word)
        return found

    def _cache_folder(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        from policytext._util import user_cache_dir

        return user_cache_dir() / "jieba"

    @property
    def backend(self) -> _Backend:
        """The tokenizer, built on first use (the dictionary load happens here)."""
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    backend: _Backend
                    if self.backend_name == "jieba":
                        backend = _JiebaBackend(self._cache_folder())
                    else:
                        backend = _RjiebaBackend()
                    forced = {w for w, _, _ in self.forced_words}
                    for word, freq, pos in self.words:
                        if word not in forced:
                            backend.add_word(word, freq, pos or "nz")
                    self._backend = backend
        return self._backend

    # -- segmentation ----------------------------------------------------------------
    def _forced_pattern(self) -> re.Pattern[str] | None:
        """Forced words as one alternation, longest first (so 江汉艺术职业学院 beats 江汉)."""
        if self._protect is None and self.forced_words:
            words = sorted({w for w, _, _ in self.forced_words}, key=lambda w: (-len(w), w))
            self._protect = re.compile("|".join(re.escape(w) for w in words))
        return self._protect

    def _protected_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans that must be one token each: quoted terms, forced words, joined ASCII runs.

        Each kind is searched only when a cheap test says it may occur, so plain text pays
        almost nothing; on overlaps the leftmost span wins (quoted before forced before ASCII).
        """
        found: list[tuple[int, int, int]] = []
        if self.protect_quoted and ("“" in text or "「" in text):
            found.extend((m.start(), 0, m.end()) for m in _QUOTED.finditer(text))
        forced = self._forced_pattern()
        if forced is not None:
            found.extend((m.start(), 1, m.end()) for m in forced.finditer(text))
        if _ASCII_HINT.search(text):
            found.extend((m.start(), 2, m.end()) for m in _JOINED_ASCII.finditer(text))
        if not found:
            return []
        found.sort()
        spans: list[tuple[int, int]] = []
        for start, _, end in found:
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
        return spans

    def _pieces(self, text: str) -> Iterator[tuple[int, int, bool]]:
        """Split ``text`` into (start, end, protected) pieces: quoted terms, forced words and
        joined ASCII runs are protected (one token each), the rest goes to the backend."""
        position = 0
        for start, end in self._protected_spans(text):
            if start > position:
                yield position, start, False
            yield start, end, True
            position = end
        if position < len(text):
            yield position, len(text), False

    def cut(self, text: str) -> list[str]:
        """Tokens as strings, white space dropped (the fast path used for counting)."""
        backend = self.backend
        words: list[str] = []
        for start, end, protected in self._pieces(text):
            if protected:
                words.append(text[start:end])
            else:
                words.extend(w for w in backend.cut(text[start:end]) if not w.isspace())
        return words

    def tokenize(self, text: str, *, pos: bool | None = None) -> list[Token]:
        """Tokens with character spans into ``text``, with POS tags when ``pos`` (default: the
        segmenter's ``pos`` option; the same backend tags, so no new segmenter is needed)."""
        backend = self.backend
        flags = self._stop_flags
        tagged = self.pos if pos is None else pos
        tokens: list[Token] = []
        for start, end, protected in self._pieces(text):
            if protected:
                word = text[start:end]
                tag = self._quoted_tag(word) if tagged else None
                tokens.append(Token(word, start, end, tag, word in self.stopwords))
                continue
            piece = text[start:end]
            if tagged:
                offset = start
                overrides = self.word_tags
                for word, tag in backend.tag(piece):
                    if not word.isspace():
                        stop = flags.get(word)
                        if stop is None:
                            stop = self._stop_flag(word)
                        tokens.append(Token(word, offset, offset + len(word), overrides.get(word, tag), stop))
                    offset += len(word)
            else:
                for word, s, e in backend.tokenize(piece):
                    if not word.isspace():
                        stop = flags.get(word)
                        if stop is None:
                            stop = self._stop_flag(word)
                        tokens.append(Token(word, s + start, e + start, None, stop))
        return tokens

    def _is_stop(self, word: str) -> bool:
        return word in self.stopwords or is_punct_or_space(word)

    def _stop_flag(self, word: str) -> bool:
        """``_is_stop``, remembered per word."""
        flags = self._stop_flags
        if len(flags) >= _WORD_CACHE_LIMIT:
            flags.clear()
        stop = flags[word] = self._is_stop(word)
        return stop

    def _content_flag(self, word: str) -> bool:
        """Whether a token with this text is content (:func:`is_content`), remembered per word.

        A token's stop flag is a function of its text alone, so is :func:`is_content`; the
        per-word cache turns the per-token classification into one dictionary lookup.
        """
        flags = self._content_flags
        if len(flags) >= _WORD_CACHE_LIMIT:
            flags.clear()
        content = flags[word] = not (
            word in self.stopwords or len(word) < 2 or is_punct_or_space(word) or is_numeric(word)
        )
        return content

    def _quoted_tag(self, word: str) -> str:
        """A quoted coinage is a term (nz); a quoted ordinary verb (“重塑”) keeps its own tag."""
        if word.isascii():
            return "eng" if any(ch.isalpha() for ch in word) else "m"
        if word in self.word_tags:
            return self.word_tags[word]
        tagged = self.backend.tag(word)
        return tagged[0][1] if len(tagged) == 1 and tagged[0][1] else "nz"

    def lines(self, text: str) -> Iterator[list[str]]:
        """Tokens per input line (for the CLI: one output line per input line)."""
        for line in text.splitlines():
            yield self.cut(line)

    # -- documents ---------------------------------------------------------------------
    def adapted(self, docs: Any, *, discover: bool = True, min_count: int = 3) -> Segmenter:
        """A copy extended with words found in the document(s).

        Adds terms quoted in “…”, short 《》 titles, unit names of the measures (as agencies)
        and, with ``discover``, multi-character terms found by PMI and left/right entropy
        that the current segmenter would split.  These words are *forced*: always one token,
        matched before the backend runs, which keeps adaptation cheap (no dictionary reload)
        and identical across backends.
        """
        documents = _as_documents(docs)
        extra: dict[str, WordEntry] = {}
        texts = [d.text if hasattr(d, "text") else str(d) for d in documents]
        for text in texts:
            for term in quoted_terms(text):
                extra.setdefault(term, (term, QUOTED_FREQ, "nz"))
            for term in title_terms(text):
                extra.setdefault(term, (term, QUOTED_FREQ, "nz"))
        for doc in documents:
            for measure in getattr(doc, "measures", ()):
                for unit in measure.units:
                    if 2 <= len(unit.name) <= 20 and not any(ch.isspace() for ch in unit.name):
                        extra.setdefault(unit.name, (unit.name, AGENCY_FREQ, "nt"))
        if discover:
            for term in self.discover(texts, min_count=min_count):
                extra.setdefault(term, (term, DISCOVERED_FREQ, None))
        known = {w for w, _, _ in (*self.extra_words, *self.forced_words)}
        new = [entry for word, entry in extra.items() if word not in known]
        adapted = self.with_options(forced_words=[*self.forced_words, *new])
        # the document's words are matched before the backend runs, so the copy shares this
        # segmenter's tokenizer instead of loading the dictionary again
        adapted._backend = self.backend
        return adapted

    def discover(self, texts: Sequence[str], *, min_count: int = 3, top: int = 200) -> list[str]:
        """Discovered terms (3–8 characters) in ``texts`` that this segmenter splits today."""
        from policytext.discover import discover_terms

        found = discover_terms(
            texts, min_len=3, max_len=8, min_count=min_count, min_pmi=2.5, min_entropy=0.9, top=top * 3
        )
        from policytext.discover import is_term_like

        backend = self.backend
        terms = []
        for candidate in found:
            term = candidate.term
            if not is_term_like(backend.tag(term), self.stopwords):
                continue
            terms.append(term)
            if len(terms) >= top:
                break
        return terms

    def content_tokens(self, doc: PolicyDocument | str, *, pos: bool | None = None) -> list[Token]:
        """Tokens of the document for statistics, spans kept.

        Drops stopwords, boilerplate (unless ``boilerplate=False``), punctuation, numbers,
        single characters, and every token inside a responsibility clause
        (``measure.clause_span``), so that 责任单位：市科技局… does not count as content.
        ``pos`` as in :meth:`tokenize`.  (A content token is never a stopword: ``is_stop`` is
        False on all of them.)
        """
        return [Token(text, start, end, tag) for text, start, end, tag in self.content_tuples(doc, pos=pos)]

    def content_tuples(self, doc: PolicyDocument | str, *, pos: bool | None = None) -> list[TokenTuple]:
        """The tokens of :meth:`content_tokens` as plain ``(text, start, end, pos)`` tuples.

        The fast path for counting (keywords, IDF): the words are classified once per distinct
        word and filtered before anything is built, so a document costs little more than the
        backend's own segmentation.
        """
        text = doc if isinstance(doc, str) else doc.text
        tuples = self._content_tuples(text, self.pos if pos is None else pos)
        excluded = [] if isinstance(doc, str) else _clause_spans(doc)
        return _outside(tuples, excluded) if excluded else tuples

    def _content_tuples(self, text: str, tagged: bool) -> list[TokenTuple]:
        """Content tokens of ``text`` (:func:`is_content`) as tuples; the same tokens, spans and tags
        as :meth:`tokenize` filtered by :func:`is_content`.

        Fast because the classification is remembered per word (content flag, tag): per token
        there is one cut word, one lookup and, for content words, one tuple; the backend only
        cuts (offsets are running sums of the word lengths), and a word is tagged the first
        time the segmenter keeps it as content.
        """
        backend = self.backend
        flags = self._content_flags
        found: list[TokenTuple] = []
        append = found.append
        for start, end, protected in self._pieces(text):
            if protected:
                word = text[start:end]
                content = flags.get(word)
                if content is None:
                    content = self._content_flag(word)
                if content:
                    append((word, start, end, self._quoted_tag(word) if tagged else None))
                continue
            piece = text[start:end]
            if tagged:
                tags = self._tag_cache
                untagged: list[int] = []  # positions in ``found`` of words without a known tag
                offset = start
                for word in backend.cut(piece):
                    following = offset + len(word)
                    content = flags.get(word)
                    if content is None:
                        content = self._content_flag(word)
                    if content:
                        tag = tags.get(word)
                        if tag is None:
                            untagged.append(len(found))
                        append((word, offset, following, tag))
                    offset = following
                if untagged:
                    self._tag_words(found, untagged, piece)
            else:
                offset = start
                for word in backend.cut(piece):
                    following = offset + len(word)
                    content = flags.get(word)
                    if content is None:
                        content = self._content_flag(word)
                    if content:
                        append((word, offset, following, None))
                    offset = following
        return found

    def _tag_words(self, found: list[TokenTuple], untagged: list[int], piece: str) -> None:
        """Fill in the tags of ``found[i]`` for ``i`` in ``untagged`` (words cut from ``piece``), as
        :meth:`tokenize` tags them, and remember them per word.

        The backends tag each word of their cut by itself (its dictionary tag, else one guessed
        from its characters), so a word's tag does not depend on its neighbours: a new word is
        tagged alone when the backend keeps it whole, else (or when there are many) the piece is.
        """
        overrides, backend = self.word_tags, self.backend
        missing = {found[i][0] for i in untagged}
        resolved: dict[str, str] = {}
        whole = len(missing) > _TAG_ALONE_LIMIT  # many new words: tagging the piece is cheaper
        if not whole:
            for word in missing:
                alone = backend.tag(word)
                if len(alone) == 1 and alone[0][0] == word:
                    resolved[word] = overrides.get(word, alone[0][1])
                else:
                    whole = True
        if whole:
            for word, tag in backend.tag(piece):
                if word in missing and word not in resolved:
                    resolved[word] = overrides.get(word, tag)
        for i in untagged:
            word, start, end, _ = found[i]
            found[i] = (word, start, end, resolved[word])
        tags = self._tag_cache
        if len(tags) >= _WORD_CACHE_LIMIT:
            tags.clear()
        tags.update(resolved)


def is_content(token: Token) -> bool:
    """A token that may count in keyword statistics."""
    text = token.text
    return not (token.is_stop or len(text) < 2 or is_punct_or_space(text) or is_numeric(text))


def _clause_spans(doc: Any) -> list[tuple[int, int]]:
    spans = []
    for measure in getattr(doc, "measures", ()):
        span = measure.clause_span
        if span is not None:
            spans.append((span.start, span.end))
    spans.sort()
    return spans


def _outside(tuples: list[TokenTuple], spans: list[tuple[int, int]]) -> list[TokenTuple]:
    """The tokens (in text order) not inside the sorted, non-overlapping ``spans``: a token is
    inside when it ends within the last span starting at or before it (one walk over the spans)."""
    kept: list[TokenTuple] = []
    index, last = -1, len(spans) - 1
    for entry in tuples:
        start = entry[1]
        while index < last and spans[index + 1][0] <= start:
            index += 1
        if index < 0 or entry[2] > spans[index][1]:
            kept.append(entry)
    return kept


def _as_documents(docs: Any) -> list[Any]:
    if isinstance(docs, str) or hasattr(docs, "text"):
        return [docs]
    return list(docs)
