"""Vietnamese-aware text: accent-insensitive folding for search and a collation key for sorting."""

import functools
import unicodedata

# Vietnamese alphabet order; f, j, w, z (foreign and minority names) placed after their neighbours.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: index + 1 for index, letter in enumerate(_ALPHABET)}  # 1..34
_DIGIT_RANK = {str(d): 35 + d for d in range(10)}  # digits sort after letters

# Tone marks (combining), in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a distinct letter rather than a tone.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}

GIVEN_NAME_LETTERS = 16
FULL_NAME_LETTERS = 60


def fold(text: str | None) -> str:
    """Lower case without diacritics: 'Nguyễn Văn An' -> 'nguyen van an', 'Đắk Lắk' -> 'dak lak'."""
    if not text:
        return ""
    return " ".join(_fold_word(word) for word in text.split())


@functools.lru_cache(maxsize=65536)  # words repeat across names and places
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(stripped.lower().split())


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def _letters(text: str) -> list[tuple[int, int]]:
    """(letter rank, tone rank) for each letter or digit of text, in order; (0, 0) between
    words. Words repeat across a population (Nguyễn, Thị, Văn…), so each is ranked once."""
    result: list[tuple[int, int]] = []
    for word in text.split():
        letters = _word_letters(word)
        if letters:
            if result:
                result.append((0, 0))  # word break sorts before any letter
            result.extend(letters)
    return result


@functools.lru_cache(maxsize=65536)
def _word_letters(text: str) -> tuple[tuple[int, int], ...]:
    result: list[tuple[int, int]] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _TONES:
            if result:
                result[-1] = (result[-1][0], _TONES[ch])
            continue
        if unicodedata.combining(ch):
            if result:
                rank, tone = result[-1]
                base = _ALPHABET[rank - 1] if 0 < rank <= len(_ALPHABET) else ""
                letter = _LETTER_MARKS.get((base, ch))
                if letter:
                    result[-1] = (_LETTER_RANK[letter], tone)
            continue
        if ch in _LETTER_RANK:
            result.append((_LETTER_RANK[ch], 0))
        elif ch in _DIGIT_RANK:
            result.append((_DIGIT_RANK[ch], 0))
    return tuple(result)


_TWO_DIGITS = [f"{n:02d}" for n in range(100)]
_ONE_DIGIT = [str(n) for n in range(10)]


def _encode(letters: list[tuple[int, int]], width: int) -> tuple[str, str]:
    letters = letters[:width]
    primary = "".join([_TWO_DIGITS[rank] for rank, _ in letters]).ljust(width * 2, "0")
    secondary = "".join([_ONE_DIGIT[tone] for _, tone in letters]).ljust(width, "0")
    return primary, secondary


def given_name(full_name: str) -> str:
    """The name a person is called by and sorted on.

    Kinh names end with it ("Nguyễn Thị Hồng Nhung" -> "Nhung"). Ê Đê and M'Nông names start with
    a gender marker, then the given name, then the clan name: "Y Khu Niê" -> "Khu",
    "H'Nga Byă" -> "Nga".
    """
    words = (full_name or "").replace("’", "'").split()
    if not words:
        return ""
    first = words[0]
    if first in {"Y"} and len(words) >= 3:
        return words[1]
    if first[:2].lower() == "h'" and len(first) > 2 and len(words) >= 2:
        return first[2:]
    return words[-1]


def sort_key(full_name: str) -> str:
    """A digits-only key that sorts by given name, then the full name, in Vietnamese order.

    Digits only, fixed width, so every database collation (C, en_US, ICU) orders it the same way.
    """
    given_p, given_s = _encode(_letters(given_name(full_name)), GIVEN_NAME_LETTERS)
    full_p, full_s = _encode(_letters(full_name or ""), FULL_NAME_LETTERS)
    return given_p + full_p + given_s + full_s


def name_sort_key(name: str) -> str:
    """Vietnamese-order key for a unit or any plain label (no given-name rule)."""
    primary, secondary = _encode(_letters(name or ""), FULL_NAME_LETTERS)
    return primary + secondary


SORT_KEY_LENGTH = 3 * GIVEN_NAME_LETTERS + 3 * FULL_NAME_LETTERS
