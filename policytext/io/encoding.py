"""Turn file bytes into text: byte-order marks, UTF-8, GB18030/GBK, Big5, then charset-normalizer.

Chinese policy files come in UTF-8 (with or without BOM), GBK/GB18030 (older sites and
Excel exports), Big5 (Taiwan, Hong Kong, old archives) and occasionally UTF-16.  Strict
decoders are tried first because they are fast and exact; a plausibility score decides
between GB18030 and Big5 because Big5 bytes almost always *decode* as GB18030 too, only
into nonsense.  charset-normalizer is the last resort, never the fast path.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from policytext.errors import ConfigurationError, DecodingError

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Bytes that never occur in text files (TAB, LF, VT, FF, CR and ESC are allowed: ESC
# introduces ISO-2022 escape sequences).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_SNIFF_BYTES = 64 * 1024
_MAX_CONTROL_SHARE = 0.02
_SCORE_SAMPLE = 4000
#: Below this share of plausible characters a strict decode is considered garbage.
_PLAUSIBLE = 0.6
_MIN_FALLBACK_SCORE = 0.2
# User-given labels that we widen to their superset (pages labelled gb2312 contain GBK characters).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}


def decode_bytes(
    data: bytes, *, path: str | Path | None = None, encoding: str | None = None
) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding name)``; a BOM is removed from the text.

    With ``encoding`` given, decode strictly with it and, if that fails, raise a
    DecodingError that names the encoding the bytes look like instead.
    """
    if encoding is not None:
        return _decode_as(data, encoding, path)
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as error:
                raise DecodingError(
                    f"starts with a {name.upper()} byte-order mark but is not valid {name.upper()} "
                    f"(bad bytes at offset {error.start})",
                    path,
                ) from None
    if _looks_binary(data):
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise DecodingError("binary file (NUL or control bytes), not text", path)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    detected = _detect_cjk_or_other(data)
    if detected is not None:
        return detected
    raise DecodingError(_undecodable_reason(data, utf8_error), path)


def detect_encoding(data: bytes) -> str | None:
    """The encoding :func:`decode_bytes` would pick, or ``None`` when it would fail."""
    try:
        return decode_bytes(data)[1]
    except DecodingError:
        return None


def _decode_as(data: bytes, encoding: str, path: str | Path | None) -> tuple[str, str]:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ConfigurationError(f"unknown encoding {encoding!r}", path) from None
    if name in ("utf-8", "utf-8-sig") and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    name = _SUPERSETS.get(name, name)
    try:
        text = data.decode(name)
    except UnicodeDecodeError as error:
        guess = detect_encoding(data)
        hint = (
            f"it looks like {guess}: pass encoding={guess!r} or leave encoding unset to detect it"
            if guess and guess != name
            else "no other encoding fits either"
        )
        raise DecodingError(
            f"not valid {encoding} (byte 0x{data[error.start]:02x} at offset {error.start}); {hint}", path
        ) from None
    # a BOM left by a byte-order-specific codec (utf-16-le on a file with BOM) is not text
    return text.removeprefix("\ufeff"), name


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C, not per byte
    return controls / len(head) > _MAX_CONTROL_SHARE


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: accept only when nearly every character is CJK, ASCII or punctuation.

    Binary data decoded as UTF-16 scatters over the whole BMP (about a third CJK), so the
    95 % threshold keeps real binaries out.
    """
    if len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        sample = text[:_SCORE_SAMPLE]
        share = sum(1 for ch in sample if _is_texty(ch)) / max(len(sample), 1)
        if best is None or share > best[0]:
            best = (share, text, name)
    if best is None or best[0] < 0.95:
        return None
    return best[1], best[2]


def _is_texty(ch: str) -> bool:
    code = ord(ch)
    return (
        0x20 <= code < 0x7F
        or ch in "\t\n\r"
        or 0x4E00 <= code <= 0x9FFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x2000 <= code <= 0x206F
    )


def plausibility(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common in ``encoding``'s script.

    Common means level-1 hanzi or the punctuation rows of GB2312 (for GB18030) or
    Big5 (for Big5): real documents score above 0.9, mis-decoded ones far below 0.6.
    """
    sample = [ch for ch in text[: _SCORE_SAMPLE * 4] if ord(ch) > 0x7F][:_SCORE_SAMPLE]
    if not sample:
        return 1.0
    check = _is_common_big5 if encoding.startswith(("big5", "cp950")) else _is_common_gb
    return sum(1 for ch in sample if check(ch)) / len(sample)


def _is_common_gb(ch: str) -> bool:
    try:
        raw = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return 0xA1 <= raw[0] <= 0xA3 or 0xB0 <= raw[0] <= 0xD7


def _is_common_big5(ch: str) -> bool:
    try:
        raw = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    if len(raw) != 2:
        return False
    code = raw[0] << 8 | raw[1]
    return 0xA140 <= code <= 0xA3BF or 0xA440 <= code <= 0xC67E


def _strict(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        return None


def _detect_cjk_or_other(data: bytes) -> tuple[str, str] | None:
    candidates: list[tuple[float, str, str]] = []
    gb = _strict(data, "gb18030")
    if gb is not None:
        candidates.append((plausibility(gb, "gb18030"), gb, "gb18030"))
    for name in ("big5", "cp950", "big5hkscs"):
        big5 = _strict(data, name)
        if big5 is not None:
            candidates.append((plausibility(big5, name), big5, name))
            break
    # Highest score wins; on a tie GB18030 (listed first) stays first because sort is stable.
    candidates.sort(key=lambda c: -c[0])
    if candidates and candidates[0][0] >= _PLAUSIBLE:
        return candidates[0][1], candidates[0][2]
    other = _charset_normalizer(data)
    if other is not None:
        return other
    if candidates and candidates[0][0] >= _MIN_FALLBACK_SCORE:
        return candidates[0][1], candidates[0][2]
    return None


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(data).best()
    except Exception:  # a third-party detector must never break reading
        return None
    if best is None:
        return None
    name = best.encoding
    try:
        return data.decode(name), codecs.lookup(name).name
    except (UnicodeDecodeError, LookupError):
        return None


def _undecodable_reason(data: bytes, utf8_error: UnicodeDecodeError) -> str:
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    if bad and bad <= max(3, len(replaced) // 1000):
        return (
            f"almost UTF-8 but {bad} invalid byte sequence(s), the first at offset {utf8_error.start}: "
            "the file is damaged or mixes encodings"
        )
    return "undecodable: not UTF-8, UTF-16, GB18030, Big5 or any encoding charset-normalizer detects"
