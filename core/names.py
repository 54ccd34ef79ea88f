"""Name kernels over code-point CSR arrays: folding, person-name canonical form, pinyin, company parts.

Every table a kernel reads (the fold map, character classes, pinyin readings, word lists) is built
once by ``weft.linkage.standardize.names`` from OpenCC, pypinyin and unicodedata and passed in as
arrays; nothing here knows about those libraries or about Arrow (DESIGN §4, §5.2).

Strings are CSR: row i is ``codes[offsets[i]:offsets[i+1]]`` (uint32 code points, int64 offsets).
Kernels that rewrite a row write it back at the row's own offsets with a new length (never longer
than the folded input) and :func:`compact` packs the rows afterwards.

Speed notes. A jitted helper that LLVM does not inline pays a reference-count increment and
decrement per array argument on every call (~8 ns each), so per-row logic is written inline in the
row loops; the one shared helper, :func:`_trie_longest`, takes one packed array and is called only
where a per-character flag says a word can start (or end) there. The kernels are serial and
release the GIL: a name costs well under a microsecond, each ``parallel=True`` kernel would add
~1.5 s of compile time, and a pipeline that wants more cores runs batches in threads (safe with
any Numba threading layer, unlike nested ``prange`` calls from threads, DESIGN §5.9).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._jit import jit

__all__ = [
    "N_CODE_POINTS", "EXPANSION", "MAX_ALTS",
    "C_OTHER", "C_HAN", "C_LATIN", "C_DIGIT", "C_SPACE", "C_DOT", "C_PERIOD", "C_HYPHEN", "C_APOS",
    "C_LETTER", "C_MARK",
    "FLAG_TRANSLIT", "FLAG_COMPOUND", "FLAG_PLACEHOLDER", "FLAG_REGION", "FLAG_FORM", "FLAG_BRANCH",
    "K_NULL", "K_HAN", "K_LATIN", "K_MIXED", "K_OTHER",
    "Q_VALID", "Q_REPAIRED", "Q_MISSING", "Q_LATIN", "Q_MIXED_SCRIPT", "Q_HAS_DIGITS", "Q_TOO_LONG",
    "Q_BAD_CHARS", "Q_OTHER_SCRIPT", "Q_TOO_SHORT", "Q_NO_CORE",
    "Trie", "FoldTables", "PinyinTables", "CompanyTables", "PersonCanon", "PinyinIds", "PersonPinyin",
    "CompanyParts", "make_trie", "fold", "compact", "concat_pieces", "person_canon", "pinyin_ids",
    "render_pinyin", "company_parse",
]

N_CODE_POINTS = 0x110000
# fold[c] with this bit set points into the expansion CSR (several code points, or none = delete)
EXPANSION = np.uint32(0x80000000)

# Classes of *folded* code points (FoldTables.cls)
C_OTHER = 0  # symbols and punctuation: "bad" in a name
C_HAN = 1  # CJK unified/compatibility ideographs, BMP private use (GB18030 rare characters)
C_LATIN = 2  # A-Z and Ü after folding
C_DIGIT = 3
C_SPACE = 4  # ' ' (every kind of white space folds to it)
C_DOT = 5  # U+00B7, the one middle dot
C_PERIOD = 6  # '.', also 。 which a Chinese IME types for '.'
C_HYPHEN = 7  # '-'
C_APOS = 8  # "'"
C_LETTER = 9  # letters of other scripts (Kana, Hangul, Cyrillic, ß …)
C_MARK = 10  # combining marks

# FoldTables.flags bits: where a word of a list may start (or, for suffix lists, end)
FLAG_TRANSLIT = 1  # character used in transliterated (Uyghur, Kazakh …) names
FLAG_COMPOUND = 2  # first character of a compound surname
FLAG_PLACEHOLDER = 4  # first character of a person-name placeholder
FLAG_REGION = 8  # first character of a place name
FLAG_FORM = 16  # last character of a legal form
FLAG_BRANCH = 32  # last character of a branch word

# what a person-name row turned out to be (it decides which path computes the pinyin)
K_NULL, K_HAN, K_LATIN, K_MIXED, K_OTHER = 0, 1, 2, 3, 4

# quality codes: 0-2 shared with every field (linkage/standardize/quality.py), 3+ name reasons
Q_VALID, Q_REPAIRED, Q_MISSING = 0, 1, 2
Q_LATIN, Q_MIXED_SCRIPT, Q_HAS_DIGITS, Q_TOO_LONG, Q_BAD_CHARS = 3, 4, 5, 6, 7
Q_OTHER_SCRIPT, Q_TOO_SHORT, Q_NO_CORE = 8, 9, 10

_DOT = 0x00B7
_SPACE = 0x20
_HYPHEN = 0x2D
_CAND = 0xFFFFFFFF  # a space/hyphen between two Han parts, not decided yet: dot or nothing
_MOU = 0x67D0  # 某, anonymised names 张某 / 张某某
_SHI = 0x5E02  # 市
_CHANG = 0x573A  # 场: 东方市场 is a market, not 东方市
_LPAREN, _RPAREN = 0xFF08, 0xFF09  # （ ）
MAX_ALTS = 4  # alternative pinyin keys per name (the scratch layout depends on it)


class Trie(NamedTuple):
    """Words for longest-match lookups inside kernels, packed in one int64 array (one array per
    call keeps the reference-count cost down): ``[n_nodes, n_children, child_off (n_nodes + 1),
    child_cp, child_node, term (n_nodes)]``. Node 0 is the root; the children of node k are
    entries ``child_off[k]:child_off[k+1]``, sorted by code point; ``term[k]`` is the index of the
    word ending at node k, or -1. A suffix trie stores the words reversed."""

    nodes: np.ndarray  # int64, packed as above
    word_off: np.ndarray  # int64: word k has word_off[k+1] - word_off[k] characters


class FoldTables(NamedTuple):
    """Folding and classification (shared by person and company names) and person-name lists."""

    fold: np.ndarray  # uint32[N_CODE_POINTS]: target code point, or EXPANSION | k
    exp_off: np.ndarray  # int64: expansion k is exp_cp[exp_off[k]:exp_off[k+1]] (empty = delete)
    exp_cp: np.ndarray  # uint32, already folded
    cls: np.ndarray  # uint8[N_CODE_POINTS]: C_* class of a folded code point
    flags: np.ndarray  # uint8[N_CODE_POINTS]: FLAG_* bits
    placeholders: Trie  # folded placeholder names (未知, NULL …) -> missing
    compounds: Trie  # compound surnames
    max_len: int  # the national rule: a name field holds 50 characters


class PinyinTables(NamedTuple):
    """Readings. Syllable k (1-based; 0 = none) is ``syl_cp[syl_off[k]:syl_off[k+1]]``; ids are in
    lexicographic order of the syllables, so sorting ids sorts the strings."""

    syl_cp: np.ndarray  # uint32
    syl_off: np.ndarray  # int64
    default: np.ndarray  # uint16[n]: pypinyin's first (most common) reading of code point c < n
    het_off: np.ndarray  # int64[n + 1]: all distinct toneless readings of c, the default first
    het: np.ndarray  # uint16
    surname: np.ndarray  # uint16[n]: reading of c as a single surname, 0 = use the default
    compound_read: np.ndarray  # uint16 per character of the compound words (FoldTables.compounds)
    compound_alt: np.ndarray  # uint16 per character: pypinyin's default reading
    alts_per_char: int  # other readings tried per character


class CompanyTables(NamedTuple):
    regions: Trie  # place names, full (深圳市) and short (深圳)
    region_canon: np.ndarray  # int64 per place: index of its full name in ``strings``
    region_short: np.ndarray  # bool per place: a short name (深圳), read only as the first place
    forms: Trie  # legal forms, reversed (有限责任公司 …)
    form_canon: np.ndarray  # int64 per form: index of its normalised form in ``strings``
    branches: Trie  # branch words, reversed (分公司 …)
    placeholders: Trie  # 无, 个人, 待业 … -> missing
    strings: np.ndarray  # uint32: full place names and normalised legal forms (CSR)
    strings_off: np.ndarray  # int64


class PersonCanon(NamedTuple):
    codes: np.ndarray  # canonical names, CSR (missing rows empty)
    offsets: np.ndarray
    q: np.ndarray  # uint8 quality code
    kind: np.ndarray  # uint8 K_*
    has_han: np.ndarray  # bool
    sur: np.ndarray  # int64[n, 2]: surname [start, end) inside the row, -1 = none
    given: np.ndarray  # int64[n, 2]: given name [start, end), -1 = none


class PinyinIds(NamedTuple):
    """Syllable ids per row: ``syl`` in name order and ``key`` sorted, both at the row's offsets
    ``off[i]`` (a row never has more syllables than characters), ``n_syl[i]`` long; alternative
    key u of row i at ``MAX_ALTS * off[i] + u * n_syl[i]`` in ``alts``, ``n_alt[i]`` of them."""

    off: np.ndarray
    syl: np.ndarray  # uint16
    key: np.ndarray  # uint16
    n_syl: np.ndarray  # int64
    alts: np.ndarray  # uint16
    n_alt: np.ndarray  # int64


class PersonPinyin(NamedTuple):
    pin_cp: np.ndarray  # syllables in name order, joined by spaces (CSR with pin_off)
    pin_off: np.ndarray
    key_cp: np.ndarray  # the same syllables sorted: same lengths, so it shares pin_off
    alt_row: np.ndarray  # int64 n + 1: row i's alternative keys are strings alt_row[i]:alt_row[i+1]
    alt_off: np.ndarray  # int64: string offsets into alt_cp
    alt_cp: np.ndarray


class CompanyParts(NamedTuple):
    codes: np.ndarray  # cleaned names, CSR
    offsets: np.ndarray
    q: np.ndarray  # uint8
    region: np.ndarray  # int64[n, 4]: string ids of the leading places (or the bracketed one), -1
    core: np.ndarray  # int64[n, 4]: core = [0]:[1] + [2]:[3] inside the row (a bracket cut out)
    branch: np.ndarray  # int64[n, 2]: branch name [start, end), -1 = not a branch
    form: np.ndarray  # int64[n]: string id of the normalised legal form, -1 = none


# ------------------------------------------------------------------------------------ helpers
def make_trie(words, reverse: bool = False) -> Trie:
    """A :class:`Trie` of Python strings (word index = position in ``words``)."""
    words = list(words)
    children: list[dict[str, int]] = [{}]
    term = [-1]
    for k, w in enumerate(words):
        node = 0
        for ch in reversed(w) if reverse else w:
            nxt = children[node].get(ch)
            if nxt is None:
                nxt = len(children)
                children[node][ch] = nxt
                children.append({})
                term.append(-1)
            node = nxt
        if term[node] < 0:  # a repeated word keeps its first index
            term[node] = k
    n_children = sum(len(c) for c in children)
    child_off = np.zeros(len(children) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in children], out=child_off[1:])
    items = [sorted(c.items()) for c in children]
    child_cp = [ord(ch) for it in items for ch, _ in it]
    child_node = [n for it in items for _, n in it]
    nodes = np.concatenate([[len(children), n_children], child_off, child_cp, child_node, term]).astype(np.int64)
    word_off = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(w) for w in words], out=word_off[1:])
    return Trie(nodes, word_off)


@jit
def _trie_longest(trie, buf, a, lim, step, guard):
    """Longest word of the trie read from ``buf[a]`` in direction ``step`` (+1, or -1 for suffix
    tries) without reaching ``lim``; returns (word, length) or (-1, 0). ``guard`` skips a match
    ending in 市 right before 场."""
    n_nodes = trie[0]
    cp0 = 3 + n_nodes  # child_cp
    nd0 = cp0 + trie[1]  # child_node
    tm0 = nd0 + trie[1]  # term
    node = 0
    j = a
    best, best_len = -1, 0
    while j != lim:
        c = buf[j]
        lo, hi = trie[2 + node], trie[3 + node]
        end = hi
        while lo < hi:
            mid = (lo + hi) >> 1
            if trie[cp0 + mid] < c:
                lo = mid + 1
            else:
                hi = mid
        if lo == end or trie[cp0 + lo] != c:
            break
        node = trie[nd0 + lo]
        j += step
        if trie[tm0 + node] >= 0 and not (guard and c == _SHI and j != lim and buf[j] == _CHANG):
            best, best_len = trie[tm0 + node], abs(j - a)
    return best, best_len


def _csr_offsets(lens: np.ndarray) -> np.ndarray:
    off = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=off[1:])
    return off


# ------------------------------------------------------------------------------------ fold
@jit
def _fold_count(codes, offsets, fmap, exp_off, counts):
    for i in range(len(offsets) - 1):
        c = 0
        for j in range(offsets[i], offsets[i + 1]):
            m = fmap[codes[j]]
            if m & EXPANSION:
                k = m & ~EXPANSION
                c += exp_off[k + 1] - exp_off[k]
            else:
                c += 1
        counts[i] = c


@jit
def _fold_fill(codes, offsets, fmap, exp_off, exp_cp, out_off, out):
    for i in range(len(offsets) - 1):
        w = out_off[i]
        for j in range(offsets[i], offsets[i + 1]):
            m = fmap[codes[j]]
            if m & EXPANSION:
                k = m & ~EXPANSION
                for t in range(exp_off[k], exp_off[k + 1]):
                    out[w] = exp_cp[t]
                    w += 1
            else:
                out[w] = m
                w += 1


def fold(codes: np.ndarray, offsets: np.ndarray, t: FoldTables) -> tuple[np.ndarray, np.ndarray]:
    """Apply the fold map to every row: NFKC per code point, t2s, Latin upper case without
    diacritics, dot/space/hyphen/apostrophe variants, deletion of controls and format characters."""
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    if len(codes) and int(codes.max()) >= N_CODE_POINTS:
        raise ValueError("code points must be < 0x110000")
    counts = np.empty(len(offsets) - 1, dtype=np.int64)
    _fold_count(codes, offsets, t.fold, t.exp_off, counts)
    out_off = _csr_offsets(counts)
    out = np.empty(out_off[-1], dtype=np.uint32)
    _fold_fill(codes, offsets, t.fold, t.exp_off, t.exp_cp, out_off, out)
    return out, out_off


@jit
def _compact(buf, off, lens, out_off, out):
    for i in range(len(lens)):
        s = off[i]
        w = out_off[i]
        for j in range(lens[i]):
            out[w + j] = buf[s + j]


def compact(buf: np.ndarray, off: np.ndarray, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows rewritten in place (row i = ``buf[off[i]:off[i]+lens[i]]``) packed into a new CSR."""
    out_off = _csr_offsets(lens)
    out = np.empty(out_off[-1], dtype=buf.dtype)
    _compact(buf, off, lens, out_off, out)
    return out, out_off


# ------------------------------------------------------------------------------------ pieces
@jit
def _pieces(fill, buf, off, tbl_cp, tbl_off, src, a, b, lens, out_off, out):
    for i in range(len(lens)):
        w = out_off[i] if fill else 0
        for p in range(src.shape[1]):
            if src[i, p] == 0:
                lo, hi = off[i] + a[i, p], off[i] + b[i, p]
                cp = buf
            elif src[i, p] == 1:
                lo, hi = tbl_off[a[i, p]], tbl_off[a[i, p] + 1]
                cp = tbl_cp
            else:
                continue
            if fill:
                for j in range(lo, hi):
                    out[w] = cp[j]
                    w += 1
            else:
                w += hi - lo
        if not fill:
            lens[i] = w


def concat_pieces(buf, off, tbl_cp, tbl_off, src, a, b) -> tuple[np.ndarray, np.ndarray]:
    """Row i = concatenation of its pieces p: ``src[i,p]`` 0 = ``buf`` row i ``[a:b)`` (positions
    inside the row), 1 = table string ``a``, -1 = nothing. ``src, a, b`` are [n, P] arrays."""
    src = np.ascontiguousarray(src, dtype=np.int8)
    a = np.ascontiguousarray(a, dtype=np.int64)
    b = np.ascontiguousarray(b, dtype=np.int64)
    buf = np.ascontiguousarray(buf, dtype=np.uint32)
    tbl_cp = np.ascontiguousarray(tbl_cp, dtype=np.uint32)
    lens = np.empty(len(src), dtype=np.int64)
    _pieces(False, buf, off, tbl_cp, tbl_off, src, a, b, lens, off, buf)
    out_off = _csr_offsets(lens)
    out = np.empty(out_off[-1], dtype=np.uint32)
    _pieces(True, buf, off, tbl_cp, tbl_off, src, a, b, lens, out_off, out)
    return out, out_off


# ------------------------------------------------------------------------------------ persons
@jit
def _is_sep(t):
    return t == C_SPACE or t == C_DOT or t == C_PERIOD or t == C_HYPHEN


@jit
def _person_canon(m, moff, orig, ooff, valid, cls, flags, ph_trie, c_trie, max_len,
                  out, lens, q, kind, has_han, sur, given):
    for i in range(len(moff) - 1):
        lens[i] = 0
        q[i] = Q_MISSING
        kind[i] = K_NULL
        has_han[i] = False
        sur[i, 0] = sur[i, 1] = given[i, 0] = given[i, 1] = -1
        if not valid[i]:
            continue
        s, e = moff[i], moff[i + 1]
        # trim separators at both ends
        a = s
        while a < e and _is_sep(cls[m[a]]):
            a += 1
        z = e
        while z > a and _is_sep(cls[m[z - 1]]):
            z -= 1
        # one output separator per run of separators, chosen by the run's content and neighbours
        w = s
        ncand = 0
        explicit = False
        k = a
        while k < z:
            c = m[k]
            if not _is_sep(cls[c]):
                out[w] = c
                w += 1
                k += 1
                continue
            r = k
            has_dot = has_period = has_hyphen = False
            while _is_sep(cls[m[r]]):  # stops before z: m[z - 1] is not a separator
                t = cls[m[r]]
                has_dot |= t == C_DOT
                has_period |= t == C_PERIOD
                has_hyphen |= t == C_HYPHEN
                r += 1
            left_han = cls[m[k - 1]] == C_HAN
            right_han = cls[m[r]] == C_HAN
            if left_han and right_han:
                if has_dot or has_period:
                    out[w] = _DOT
                    explicit = True
                else:
                    out[w] = _CAND
                    ncand += 1
                w += 1
            elif not left_han and not right_han:
                out[w] = _DOT if has_dot else (_HYPHEN if has_hyphen else _SPACE)
                w += 1
            elif has_dot:
                out[w] = _DOT
                w += 1
            k = r
        # A space or hyphen between Han parts becomes a dot when the name already has one, or when
        # the whole name looks transliterated (>= 5 characters, all from the transliteration
        # set); only between parts of >= 2 characters. Otherwise it was noise: dropped.
        if ncand:
            dotify = explicit
            if not dotify:
                ok = True
                nt = 0
                for j in range(s, w):
                    c = out[j]
                    if c == _CAND:
                        continue
                    if cls[c] != C_HAN or not (flags[c] & FLAG_TRANSLIT):
                        ok = False
                        break
                    nt += 1
                dotify = ok and nt >= 5
            w2 = s
            part = 0
            for j in range(s, w):
                c = out[j]
                if c == _CAND:
                    right = 0
                    t = j + 1
                    while t < w and out[t] != _CAND and not _is_sep(cls[out[t]]):
                        right += 1
                        t += 1
                    if dotify and part >= 2 and right >= 2:
                        out[w2] = _DOT
                        w2 += 1
                        part = 0
                else:
                    out[w2] = c
                    w2 += 1
                    part = 0 if _is_sep(cls[c]) else part + 1
            w = w2
        n = w - s
        # classify what is left
        nh = nl = nd = no = nbad = ndot = 0
        for j in range(s, w):
            t = cls[out[j]]
            if t == C_HAN:
                nh += 1
            elif t == C_LATIN:
                nl += 1
            elif t == C_DIGIT:
                nd += 1
            elif t == C_LETTER:
                no += 1
            elif t == C_DOT:
                ndot += 1
            elif t == C_APOS:
                # an apostrophe belongs inside a Latin word (O'BRIEN, XI'AN), nowhere else
                if not (s < j < w - 1 and cls[out[j - 1]] == C_LATIN and cls[out[j + 1]] == C_LATIN):
                    nbad += 1
            elif t == C_OTHER or t == C_MARK:
                nbad += 1
        if nh + nl + no == 0:  # only digits and symbols: '-', '?', '0', '123'
            continue
        if flags[out[s]] & FLAG_PLACEHOLDER:
            ph, ph_len = _trie_longest(ph_trie, out, s, w, 1, False)
            if ph >= 0 and ph_len == n:
                continue
        if nh == n and (n == 2 or n == 3) and out[s + 1] == _MOU and out[w - 1] == _MOU:
            continue  # 张某, 张某某: anonymised
        changed = n != ooff[i + 1] - ooff[i]
        if not changed:
            for j in range(n):
                if out[s + j] != orig[ooff[i] + j]:
                    changed = True
                    break
        scripts = (1 if nh else 0) + (1 if nl else 0) + (1 if no else 0)
        if nd:
            q[i] = Q_HAS_DIGITS
        elif nbad:
            q[i] = Q_BAD_CHARS
        elif scripts > 1:
            q[i] = Q_MIXED_SCRIPT
        elif no:
            q[i] = Q_OTHER_SCRIPT
        elif n > max_len:
            q[i] = Q_TOO_LONG
        elif nl:
            q[i] = Q_LATIN
        elif nh == 1:
            q[i] = Q_TOO_SHORT
        else:
            q[i] = Q_REPAIRED if changed else Q_VALID
        kind[i] = K_OTHER if no else (K_MIXED if nh and nl else (K_LATIN if nl else K_HAN))
        lens[i] = n
        has_han[i] = nh > 0
        # split names made of Han characters and dots only
        if kind[i] == K_HAN and nh + ndot == n and nh >= 2:
            if ndot:  # 名·父名: no surname; the given name is the person's own, before the dot
                j = s
                while out[j] != _DOT:
                    j += 1
                given[i, 0] = 0
                given[i, 1] = j - s
            else:
                L = 1
                if flags[out[s]] & FLAG_COMPOUND:
                    cw, cl = _trie_longest(c_trie, out, s, w - 1, 1, False)
                    if cw >= 0:
                        L = cl
                sur[i, 0] = 0
                sur[i, 1] = L
                given[i, 0] = L
                given[i, 1] = n


def person_canon(codes: np.ndarray, offsets: np.ndarray, valid: np.ndarray, t: FoldTables) -> PersonCanon:
    """Canonical person names with quality, kind and the surname / given-name split of Han names.

    Fold; trim; every run of separators becomes one: between Han characters a dot if the run holds
    a dot or a period, else nothing — or a dot when the name is dotted or looks transliterated;
    between non-Han characters a dot, a hyphen or one space. Placeholders, 张某/张某某 and values
    without a letter are missing. Compound surnames split only when the name is longer than the
    compound. Latin and mixed rows are split later, in Python.
    """
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    valid = np.ascontiguousarray(valid, dtype=np.bool_)
    if len(valid) != len(offsets) - 1:
        raise ValueError("valid must have one entry per row")
    m, moff = fold(codes, offsets, t)
    n = len(valid)
    out = np.empty(len(m), dtype=np.uint32)
    lens = np.empty(n, dtype=np.int64)
    q = np.empty(n, dtype=np.uint8)
    kind = np.empty(n, dtype=np.uint8)
    has_han = np.empty(n, dtype=np.bool_)
    sur = np.empty((n, 2), dtype=np.int64)
    given = np.empty((n, 2), dtype=np.int64)
    _person_canon(m, moff, codes, offsets, valid, t.cls, t.flags, t.placeholders.nodes, t.compounds.nodes,
                  t.max_len, out, lens, q, kind, has_han, sur, given)
    out, off = compact(out, moff, lens)
    return PersonCanon(out, off, q, kind, has_han, sur, given)


# ------------------------------------------------------------------------------------ pinyin
@jit
def _sort_small(a, lo, hi):
    for i in range(lo + 1, hi):
        v = a[i]
        j = i - 1
        while j >= lo and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v


@jit
def _pinyin_ids(codes, off, kind, sur, cls, flags, c_trie, w_off,
                default, het_off, het, surname, c_read, c_alt, per_char, syl, key, n_syl, alts, n_alt, tmp):
    """Syllable ids of the Han rows: ``syl`` in name order and ``key`` sorted (both laid out like
    ``codes``), and up to MAX_ALTS alternative keys per row in ``alts`` (row i's at
    ``MAX_ALTS * off[i]``, each ``n_syl[i]`` long).

    The surname reads from the surname tables, every other Han character by its default. An
    alternative key reads one unit differently: a character by one of its next ``per_char``
    readings, or a compound surname character by character; kept if it differs from the key and
    the alternatives before it.
    """
    npy = len(default)
    for i in range(len(kind)):
        n_syl[i] = 0
        n_alt[i] = 0
        if kind[i] != K_HAN:
            continue
        s, e = off[i], off[i + 1]
        m = 0
        j = s
        cw = -1  # compound surname word
        if sur[i, 0] >= 0 and sur[i, 1] - sur[i, 0] >= 2:
            cw, _ = _trie_longest(c_trie, codes, s, e - 1, 1, False)
            for t in range(w_off[cw], w_off[cw + 1]):
                syl[s + m] = c_read[t]
                m += 1
            j = s + m
        elif sur[i, 0] >= 0:
            c = codes[s]
            r = 0
            if c < npy:
                r = surname[c] if surname[c] else default[c]
            if r:
                syl[s + m] = r
                m += 1
            j = s + 1
        while j < e:
            c = codes[j]
            if cls[c] == C_HAN and c < npy and default[c]:
                syl[s + m] = default[c]
                m += 1
            j += 1
        n_syl[i] = m
        if m == 0:
            continue
        for t in range(m):
            key[s + t] = syl[s + t]
        _sort_small(key, s, s + m)
        # alternatives: walk the units again in name order
        na = 0
        base = MAX_ALTS * s
        p = 0  # syllable position
        j = s
        while j < e and na < MAX_ALTS:
            c = codes[j]
            if p == 0 and cw >= 0:  # the compound surname as one unit
                L = w_off[cw + 1] - w_off[cw]
                cands = 1
            elif cls[c] == C_HAN and c < npy and default[c]:
                L = 1
                cands = het_off[c + 1] - het_off[c]
            else:
                j += 1
                continue
            used = 0
            for h in range(cands):
                if used >= per_char or na >= MAX_ALTS:
                    break
                for t in range(m):
                    tmp[t] = syl[s + t]
                if L > 1:
                    for t in range(L):
                        tmp[t] = c_alt[w_off[cw] + t]
                else:
                    r = het[het_off[c] + h]
                    if r == syl[s + p]:
                        continue
                    tmp[p] = r
                used += 1
                _sort_small(tmp, 0, m)
                new = False
                for t in range(m):
                    if tmp[t] != key[s + t]:
                        new = True
                        break
                u = 0
                while new and u < na:
                    same = True
                    for t in range(m):
                        if tmp[t] != alts[base + u * m + t]:
                            same = False
                            break
                    new = not same
                    u += 1
                if new:
                    for t in range(m):
                        alts[base + na * m + t] = tmp[t]
                    na += 1
            p += L
            j += L
        n_alt[i] = na


@jit
def _render(fill, ids, start, count, syl_cp, syl_off, lens, out_off, out):
    """String k = syllables ``ids[start[k]:start[k]+count[k]]`` joined by spaces (count or fill)."""
    for k in range(len(start)):
        w = out_off[k] if fill else 0
        for t in range(count[k]):
            r = ids[start[k] + t]
            if t:
                if fill:
                    out[w] = _SPACE
                w += 1
            if fill:
                for j in range(syl_off[r], syl_off[r + 1]):
                    out[w] = syl_cp[j]
                    w += 1
            else:
                w += syl_off[r + 1] - syl_off[r]
        if not fill:
            lens[k] = w


def _render_strings(ids, start, count, syl_cp, syl_off) -> tuple[np.ndarray, np.ndarray]:
    lens = np.empty(len(start), dtype=np.int64)
    _render(False, ids, start, count, syl_cp, syl_off, lens, lens, syl_cp)
    out_off = _csr_offsets(lens)
    out = np.empty(out_off[-1], dtype=np.uint32)
    _render(True, ids, start, count, syl_cp, syl_off, lens, out_off, out)
    return out, out_off


def pinyin_ids(canon: PersonCanon, t: FoldTables, p: PinyinTables) -> PinyinIds:
    """Syllable ids of the Han rows of :func:`person_canon` (other rows: none), laid out so that
    the caller can fill in rows computed elsewhere (Latin names) before :func:`render_pinyin`."""
    n = len(canon.kind)
    codes, off = canon.codes, canon.offsets
    ids = PinyinIds(off, np.empty(len(codes), dtype=np.uint16), np.empty(len(codes), dtype=np.uint16),
                    np.empty(n, dtype=np.int64), np.empty(MAX_ALTS * len(codes), dtype=np.uint16),
                    np.empty(n, dtype=np.int64))
    tmp = np.empty(max(1, int(np.diff(off).max(initial=0))), dtype=np.uint16)
    _pinyin_ids(codes, off, canon.kind, canon.sur, t.cls, t.flags, t.compounds.nodes, t.compounds.word_off,
                p.default, p.het_off, p.het, p.surname, p.compound_read,
                p.compound_alt, p.alts_per_char, ids.syl, ids.key, ids.n_syl, ids.alts, ids.n_alt, tmp)
    return ids


def render_pinyin(ids: PinyinIds, syl_cp: np.ndarray, syl_off: np.ndarray) -> PersonPinyin:
    """Syllable ids -> strings: pinyin, key, and the alternative keys of every row."""
    start = ids.off[:-1]
    pin_cp, pin_off = _render_strings(ids.syl, start, ids.n_syl, syl_cp, syl_off)
    key_cp, _ = _render_strings(ids.key, start, ids.n_syl, syl_cp, syl_off)
    alt_row = _csr_offsets(ids.n_alt)
    row = np.repeat(np.arange(len(ids.n_alt)), ids.n_alt)
    a_start = MAX_ALTS * start[row] + (np.arange(alt_row[-1]) - alt_row[row]) * ids.n_syl[row]
    alt_cp, alt_off = _render_strings(ids.alts, a_start, ids.n_syl[row], syl_cp, syl_off)
    return PersonPinyin(pin_cp, pin_off, key_cp, alt_row, alt_off, alt_cp)


# ------------------------------------------------------------------------------------ companies
@jit
def _company_parse(m, moff, orig, ooff, valid, cls, flags, r_trie, r_canon, r_short, f_trie, f_canon,
                   b_trie, ph_trie, out, lens, q, region, core, branch, form):
    for i in range(len(moff) - 1):
        region[i, :] = -1
        core[i, :] = 0
        branch[i, 0] = branch[i, 1] = -1
        form[i] = -1
        lens[i] = 0
        q[i] = Q_MISSING
        if not valid[i]:
            continue
        s = moff[i]
        # drop every space (company names have none); parentheses full-width
        w = s
        nh = nl = nbad = nlet = 0
        for j in range(s, moff[i + 1]):
            c = m[j]
            t = cls[c]
            if t == C_SPACE:
                continue
            if c == 0x28:
                c = _LPAREN
            elif c == 0x29:
                c = _RPAREN
            out[w] = c
            w += 1
            if t == C_HAN:
                nh += 1
            elif t == C_LATIN:
                nl += 1
            elif t == C_LETTER:
                nlet += 1
            elif (t == C_OTHER or t == C_MARK) and c != _LPAREN and c != _RPAREN and c != 0x26 \
                    and c != 0x2B and c != 0x3001 and c != 0x2F:  # （）& + 、 / occur in real names
                nbad += 1
        nn = w - s
        if nh + nl + nlet == 0:
            continue
        ph, ph_len = _trie_longest(ph_trie, out, s, w, 1, False)
        if ph >= 0 and ph_len == nn:
            continue
        lens[i] = nn
        # leading places, longest first, each leaving >= 2 characters
        p = s
        nt = 0
        while nt < 4 and p < w - 2 and flags[out[p]] & FLAG_REGION:
            k, L = _trie_longest(r_trie, out, p, w - 2, 1, True)
            if k < 0 or (nt and r_short[k]):
                break
            region[i, nt] = r_canon[k]
            nt += 1
            p += L
        # branch: <legal form><place><branch word>, the place in brackets or not
        z = w
        paren = out[z - 1] == _RPAREN
        tail = z - 1 if paren else z
        branch_tail = False  # ends in a branch word: then only a legal form before it counts
        if tail - 1 > p and flags[out[tail - 1]] & FLAG_BRANCH:
            k, L = _trie_longest(b_trie, out, tail - 1, p, -1, False)
            branch_tail = k >= 0
            if k >= 0:
                place_end = tail - L
                for bl in range(0, min(8, place_end - p) + 1):
                    fe = place_end - bl
                    if fe - 1 <= p:  # a form needs a core before it
                        break
                    if paren:
                        if fe - 1 <= p or out[fe - 1] != _LPAREN:
                            continue
                        fe -= 1
                    if flags[out[fe - 1]] & FLAG_FORM:
                        fk, _ = _trie_longest(f_trie, out, fe - 1, p, -1, False)
                        if fk >= 0:
                            branch[i, 0] = place_end - bl - s
                            branch[i, 1] = place_end - s
                            z = fe
                            branch_tail = False
                            break
        # the form may take all that is left (深圳市有限公司 has no core); after a branch word
        # without a form before it, 公司 is part of 分公司, not a form
        if not branch_tail and flags[out[z - 1]] & FLAG_FORM:
            fk, fl = _trie_longest(f_trie, out, z - 1, p - 1, -1, False)
            if fk >= 0:
                form[i] = f_canon[fk]
                z -= fl
        # a bracketed place inside the core: 华信（深圳）科技 -> 华信科技, region 深圳市
        ba = bb = z
        j = p
        while j < z:
            if out[j] == _LPAREN:
                close = j + 1
                while close < z and out[close] != _RPAREN:
                    close += 1
                if close < z and close > j + 1 and flags[out[j + 1]] & FLAG_REGION:
                    k, L = _trie_longest(r_trie, out, j + 1, close, 1, False)
                    if k >= 0 and j + 1 + L == close:
                        ba, bb = j, close + 1
                        if nt == 0:
                            region[i, 0] = r_canon[k]
                        break
                j = close
            j += 1
        core[i, 0] = p - s
        core[i, 1] = ba - s
        core[i, 2] = bb - s
        core[i, 3] = z - s
        changed = nn != ooff[i + 1] - ooff[i]
        if not changed:
            for j in range(nn):
                if out[s + j] != orig[ooff[i] + j]:
                    changed = True
                    break
        if (ba - p) + (z - bb) == 0:
            q[i] = Q_NO_CORE
        elif nbad:
            q[i] = Q_BAD_CHARS
        elif nh == 0:
            q[i] = Q_LATIN
        else:
            q[i] = Q_REPAIRED if changed else Q_VALID


def company_parse(codes: np.ndarray, offsets: np.ndarray, valid: np.ndarray, t: FoldTables,
                  c: CompanyTables) -> CompanyParts:
    """Clean company names (fold, no spaces, （）) and find their parts.

    A name is read as [places][core][legal form][place + branch word]: places are stripped from
    the front while >= 2 characters remain, a short name only first (X市 before 场 is a market,
    not a city); a branch needs a
    legal form before it (…有限公司福田分公司, …有限公司（福田分公司）); a bracketed place inside the
    core is cut out and becomes the region when no place leads.
    """
    codes = np.ascontiguousarray(codes, dtype=np.uint32)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    valid = np.ascontiguousarray(valid, dtype=np.bool_)
    m, moff = fold(codes, offsets, t)
    n = len(valid)
    out = np.empty(len(m), dtype=np.uint32)
    lens = np.empty(n, dtype=np.int64)
    q = np.empty(n, dtype=np.uint8)
    region = np.empty((n, 4), dtype=np.int64)
    core = np.empty((n, 4), dtype=np.int64)
    branch = np.empty((n, 2), dtype=np.int64)
    form = np.empty(n, dtype=np.int64)
    _company_parse(m, moff, codes, offsets, valid, t.cls, t.flags, c.regions.nodes, c.region_canon,
                   c.region_short, c.forms.nodes, c.form_canon, c.branches.nodes, c.placeholders.nodes,
                   out, lens, q, region, core, branch, form)
    out, off = compact(out, moff, lens)
    return CompanyParts(out, off, q, region, core, branch, form)
