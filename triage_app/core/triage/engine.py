"""TriageEngine: verdict, confidence and ranked policy bullets with evidence for one ticket."""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from rapidfuzz import fuzz, process

from triage_app.core.knowledge.policy import IN_SCOPE, OUT_OF_SCOPE, Policy
from triage_app.core.result import SPANS_BOTH, UNCLEAR, Evidence, Match, TriageResult
from triage_app.core.triage.text import (
    ASK,
    EXCEPTION,
    MAX_MATCH_CHARS,
    TITLE,
    PreparedText,
    prepare,
)
from triage_app.core.triage.vocabulary import Term, Vocabulary

# A word: letters/digits, with inner underscores kept (PREFECT_API_URL, max_connections are one
# word, so "redis" never matches inside "prefect_redis" or "redistribute").
# A version number ("3.1.2", "v2.7") is one word, so the "#version" placeholder can match it.
# "3.x" / "2.19.x" (a release line) is a version too.
# A version stands alone only when the rest of its run of word characters and dots holds no
# letter ("3.1.2" yes, "3.1.2rc1" or "1.2.3abc" no). That is decided by one look at the run's last
# letter, never by re-scanning the run from every start, so tokenizing is linear in the input.
_RUN = re.compile(r"[\w.]++")
_UP_TO_LAST_LETTER = re.compile(
    r"[\w.]*[^\W\d_]"
)  # anchored: ends just after the run's last letter
_NUMBER = re.compile(r"v?\d++(?:\.\d++)*+")
_WORD = re.compile(r"[^\W_]++(?:_++[^\W_]++)*+")
_WORD_START = re.compile(r"[^\W_]")
_VERSION_WORD = re.compile(r"v?\d+(?:\.\d+)*(?:\.\d+|\.x)")
_PLAIN_WORDS = re.compile(r"[a-z]+(?: [a-z]+)*")
VERSION_PLACEHOLDER = "#version"
_VERSION_TOKEN = "\x00version"
_LEADING_PUNCT = "/@.-"
# Words of a phrase may be separated by at most this much punctuation/space, on one line.
_MAX_GAP = 3
# Typo tolerance: only words this long are compared, and only above this similarity.
_FUZZY_MIN_LEN = 5
_FUZZY_CUTOFF = 88.0
_FUZZY_CACHE_LIMIT = 200_000
BULLETS = "bullets"
_NEG_WINDOW_AFTER_CUE = 2
_NEG_WINDOW_BEFORE_CUE = 3
_MAX_EVIDENCE = 6
_INFLECTIONS = ("ed", "ing", "ly", "tion", "ness")


class _Entry(NamedTuple):
    """A vocabulary term compiled for matching (a NamedTuple, like tokens and hits: 1,403 are
    built with every engine)."""

    family: str  # BULLETS, or the signal group name
    key: str  # the bullet title (family BULLETS) or the signal group name
    text: str
    tokens: tuple[str, ...]
    weight: float
    leading: str = ""  # punctuation that must precede the first word ("/metrics")
    # Separator between word k and k+1 when the term spells one ("values.yaml": "."), else "".
    seps: tuple[str, ...] = ()
    prefix: bool = False
    upper_only: bool = False


# Tokens and hits are made by the thousand per ticket and never compared: tuples with names
# (a NamedTuple is built in a third of a frozen dataclass's time, and defined in a fifth).
class _Token(NamedTuple):
    text: str  # folded
    canon: str  # vocabulary word it stands for (after plural/typo normalisation)
    is_version: bool
    start: int
    end: int


class _Hit(NamedTuple):
    entry: _Entry
    first: int  # token index
    last: int  # token index, exclusive
    start: int  # char offsets into the original text
    end: int


class _Scored:
    """A bullet's or signal group's running score for one ticket (added to as hits are read)."""

    __slots__ = ("raw", "specific", "evidence")

    def __init__(self) -> None:
        self.raw = 0.0
        self.specific = 0.0  # the part from specific terms (weight >= _SPECIFIC_WEIGHT)
        self.evidence: list[tuple[float, int, int, str]] = []


def _tokenize(folded: str) -> list[tuple[str, int, int]]:
    """Words, versions ("3.1.2", "v2.7") and release lines ("2.19.x") of `folded`, with offsets.

    Linear time: each run of word characters and dots is read a bounded number of times."""
    found: list[tuple[str, int, int]] = []
    for run in _RUN.finditer(folded):
        _tokenize_run(folded, run.start(), run.end(), found)
    return found


def _tokenize_run(text: str, start: int, end: int, found: list[tuple[str, int, int]]) -> None:
    last = _UP_TO_LAST_LETTER.match(text, start, end)
    letters_end = last.end() if last else start  # no letter at or after this offset in the run
    # A number that did not stand alone also does not from any later start inside it (same end,
    # same letters after it), so it is not matched again from there.
    numbers_fail_before = start
    pos = start
    while pos < end:
        if pos >= numbers_fail_before and (number := _NUMBER.match(text, pos, end)):
            stop = number.end()
            if text.startswith(".x", stop) and (stop + 2 == end or text[stop + 2] == "."):
                found.append((text[pos : stop + 2], pos, stop + 2))  # a release line: "2.19.x"
                pos = stop + 2
                continue
            if letters_end <= stop and text.find(".", pos, stop) != -1:
                found.append((text[pos:stop], pos, stop))  # a version: "3.1.2"
                pos = stop
                continue
            numbers_fail_before = stop
        word = _WORD.match(text, pos, end)
        if word:
            found.append((word.group(0), pos, word.end()))
            pos = word.end()
        else:  # "_" or ".": no token starts before the next letter or digit
            after = _WORD_START.search(text, pos + 1, end)
            pos = after.start() if after else end


def _compile(family: str, key: str, term: Term) -> _Entry | None:
    text = term.text
    if _PLAIN_WORDS.fullmatch(text):
        # Most terms (1,186 of 1,403 shipped) are lower-case words and single spaces: what the
        # general path below would find, without tokenizing (half the engine's build time).
        words = tuple(text.split(" "))
        return _Entry(family, key, text, words, term.weight, seps=("",) * (len(words) - 1))
    return _compile_spelled(family, key, term)


def _compile_spelled(family: str, key: str, term: Term) -> _Entry | None:
    """Any term: prefix ("kube*"), versions ("#version"), punctuation ("values.yaml", "/metrics")."""
    text = term.text
    if term.is_prefix:
        stem = text[:-1]
        return _Entry(
            family, key, text, (stem.lower(),), term.weight, prefix=True, upper_only=stem.isupper()
        )
    # Offsets below refer to the text with the placeholder replaced, so a word after
    # "#version" ("from #version to #version") gets its real separator.
    spelled = text.lower().replace(VERSION_PLACEHOLDER, "0.0")
    found = _tokenize(spelled)
    tokens = tuple(_VERSION_TOKEN if t == "0.0" else t for t, _, _ in found)
    if not tokens:
        return None
    # "prefect.server" (a module) and "prefect-server" (a chart) are different things; a term
    # written with words separated by spaces matches any short separator.
    seps = tuple(
        "" if not spelled[a_end:b_start].strip() else spelled[a_end:b_start]
        for (_, _, a_end), (_, b_start, _) in zip(found, found[1:], strict=False)
    )
    leading = ""
    for ch in text:
        if ch in _LEADING_PUNCT:
            leading += ch
        else:
            break
    return _Entry(family, key, text, tokens, term.weight, leading=leading, seps=seps)


class TriageEngine:
    """Scores a ticket against the policy bullets using the curated vocabulary.

    Deterministic and stateless between calls apart from a bounded cache of typo lookups."""

    def __init__(self, policy: Policy, vocabulary: Vocabulary) -> None:
        self.policy = policy
        self.vocabulary = vocabulary
        self._side = {b.title: b.side for b in policy.bullets}
        entries: list[_Entry] = []
        for bullet in policy.bullets:
            for _grp, term in vocabulary.terms_for(bullet.title):
                e = _compile(BULLETS, bullet.title, term)
                if e:
                    entries.append(e)
        for name, terms in vocabulary.signals.items():
            for term in terms:
                e = _compile(name, name, term)
                if e:
                    entries.append(e)
        self._index: dict[str, list[_Entry]] = defaultdict(list)
        self._prefix: list[_Entry] = []
        words: set[str] = set()
        for e in entries:
            if e.prefix:
                self._prefix.append(e)
            else:
                self._index[e.tokens[0]].append(e)
                words.update(e.tokens)
        for lst in self._index.values():
            lst.sort(key=lambda x: -len(x.tokens))
        self._words = frozenset(words)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for w in sorted(words):
            if len(w) >= _FUZZY_MIN_LEN and w.isalpha():
                by_initial[w[0]].append(w)
        self._fuzzy_pool = dict(by_initial)
        self._canon_cache: dict[str, str] = {}
        self._skip = frozenset(
            t for term in vocabulary.signal("negation_skip") for t in term.text.split()
        )
        self._log_markers = tuple(t.text for t in vocabulary.signal("log_markers"))

    # ----------------------------------------------------------------------------- matching

    def _canon(self, tok: str) -> str:
        if tok in self._words:
            return tok
        cached = self._canon_cache.get(tok)
        if cached is not None:
            return cached
        result = tok
        for cand in self._plural_stems(tok):
            if cand in self._words:
                result = cand
                break
        else:
            # English inflections ("contained", "running") are real words, not typos of a
            # product name ("containerd"); they are left alone.
            if len(tok) >= _FUZZY_MIN_LEN and tok.isalpha() and not tok.endswith(_INFLECTIONS):
                pool = self._fuzzy_pool.get(tok[0])
                if pool:
                    best = process.extractOne(
                        tok, pool, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
                    )
                    # A word that only adds or drops an ending is another word, not a typo
                    # ("system" is not "systemd", "deploy" not "deployment").
                    if (
                        best is not None
                        and abs(len(best[0]) - len(tok)) <= 2
                        and not best[0].startswith(tok)
                        and not tok.startswith(best[0])
                    ):
                        result = best[0]
        if len(self._canon_cache) > _FUZZY_CACHE_LIMIT:
            self._canon_cache.clear()
        self._canon_cache[tok] = result
        return result

    @staticmethod
    def _plural_stems(tok: str) -> Iterable[str]:
        if len(tok) > 3 and tok.endswith("s"):
            if tok.endswith("ies"):
                yield tok[:-3] + "y"
            if tok.endswith("es"):
                yield tok[:-2]
            yield tok[:-1]

    def _hits(self, prepared: PreparedText, tokens: list[_Token]) -> list[_Hit]:
        """Every vocabulary term found in the tokens: per token, the terms starting there (longest
        first, in file order), the version-placeholder terms, then the prefix terms."""
        folded = prepared.folded
        text = prepared.text
        hits: list[_Hit] = []
        starts, prefix_heads = self._hit_tables()
        starts_get = starts.get
        prefix_get = prefix_heads.get
        version_plan = starts.get(_VERSION_TOKEN)
        n = len(tokens)
        for i, tok in enumerate(tokens):
            plan = starts_get(tok.canon)
            if plan is not None:
                self._terms_at(plan, tokens, i, n, folded, hits)
            if tok.is_version and version_plan is not None:
                self._terms_at(version_plan, tokens, i, n, folded, hits)
            word = tok.text
            candidates = prefix_get(word[:3])
            if candidates:
                for e in candidates:
                    stem = e.tokens[0]
                    if len(word) > len(stem) and word.startswith(stem):
                        if e.upper_only and not text[tok.start : tok.end].isupper():
                            continue
                        hits.append(_Hit(e, i, i + 1, tok.start, tok.end))
        return hits

    @staticmethod
    def _terms_at(
        plan: tuple[list[_Entry], dict[str, list[tuple[int, _Entry]]]],
        tokens: list[_Token],
        i: int,
        n: int,
        folded: str,
        hits: list[_Hit],
    ) -> None:
        """Append the hits of the terms whose first word is token i (one entry of _hit_tables)."""
        singles, by_second = plan
        found: list[_Entry] = []
        if by_second and i + 1 < n:
            nxt = tokens[i + 1]
            # Only the phrases whose second word is the next token can match; their order in the
            # full list (longest first, then file order) is kept by the stored position.
            cands = by_second.get(nxt.canon)
            if nxt.is_version and _VERSION_TOKEN in by_second:
                cands = sorted([*(cands or ()), *by_second[_VERSION_TOKEN]], key=lambda c: c[0])
            if cands:
                found = [e for _pos, e in cands if TriageEngine._phrase_at(e, tokens, i, folded)]
        start0 = tokens[i].start
        for e in (*found, *singles) if found else singles:
            start = start0
            if e.leading:
                lead = len(e.leading)
                if folded[max(0, start - lead) : start] != e.leading:
                    continue
                start -= lead
            last = i + len(e.tokens)
            hits.append(_Hit(e, i, last, start, tokens[last - 1].end))

    @staticmethod
    def _phrase_at(e: _Entry, tokens: list[_Token], i: int, folded: str) -> bool:
        """True when the words of multi-word term `e` follow token i, close together on one line."""
        length = len(e.tokens)
        if i + length > len(tokens):
            return False
        prev = tokens[i]
        for k in range(1, length):
            cur = tokens[i + k]
            want = e.tokens[k]
            if cur.canon != want and not (want == _VERSION_TOKEN and cur.is_version):
                return False
            gap = folded[prev.end : cur.start]
            sep = e.seps[k - 1]
            if (sep and gap != sep) or len(gap) > _MAX_GAP or "\n" in gap:
                return False
            prev = cur
        return True

    def _hit_tables(
        self,
    ) -> tuple[
        dict[str, tuple[list[_Entry], dict[str, list[tuple[int, _Entry]]]]],
        dict[str, list[_Entry]],
    ]:
        """Built once from the term index: per first word, its one-word terms and its phrases by
        their second word; and the prefix terms by their first three characters (every stem has
        three or more), so a token looks only at terms it can start."""
        tables = getattr(self, "_hit_tables_cache", None)
        if tables is None:
            starts: dict[str, tuple[list[_Entry], dict[str, list[tuple[int, _Entry]]]]] = {}
            for first, entries in self._index.items():
                singles: list[_Entry] = []
                by_second: dict[str, list[tuple[int, _Entry]]] = {}
                for pos, e in enumerate(entries):
                    if len(e.tokens) == 1:
                        singles.append(e)
                    else:
                        by_second.setdefault(e.tokens[1], []).append((pos, e))
                starts[first] = (singles, by_second)
            heads: dict[str, list[_Entry]] = {}
            for e in self._prefix:  # file order kept within a head
                heads.setdefault(e.tokens[0][:3], []).append(e)
            tables = (starts, heads)
            self._hit_tables_cache = tables
        return tables

    @staticmethod
    def _drop_contained(hits: list[_Hit]) -> list[_Hit]:
        """Within one family, a term inside a longer matched term does not count on its own
        ("kubernetes worker" is a Prefect work pool type, not Kubernetes cluster evidence)."""
        by_family: dict[str, list[_Hit]] = defaultdict(list)
        for h in hits:
            by_family[h.entry.family].append(h)
        kept: list[_Hit] = []
        for fam_hits in by_family.values():
            # Two terms of one bullet on the same words ("prefect server", "prefect-server")
            # count once, with the higher weight.
            best: dict[tuple[str, int, int], _Hit] = {}
            for h in fam_hits:
                k = (h.entry.key, h.first, h.last)
                if k not in best or h.entry.weight > best[k].entry.weight:
                    best[k] = h
            fam_hits = list(best.values())
            if fam_hits and fam_hits[0].entry.family == BULLETS:
                fam_hits = _one_term_per_word(fam_hits)
            fam_hits.sort(key=lambda h: (h.first, -h.last))
            max_end_before = -1
            group_start = -1
            group_max = -1
            for h in fam_hits:
                if h.first != group_start:
                    max_end_before = max(max_end_before, group_max)
                    group_start = h.first
                    group_max = h.last
                if max_end_before >= h.last or group_max > h.last:
                    continue
                kept.append(h)
        return kept

    def _negated_tokens(self, hits: list[_Hit], tokens: list[_Token], folded: str) -> set[int]:
        negated: set[int] = set()

        def same_clause(a: int, b: int) -> bool:
            gap = folded[tokens[a].end : tokens[b].start]
            return not any(ch in gap for ch in ".;!?\n,:")

        # A cue inside a longer vocabulary term is part of that term, not a negation
        # ("not working", "name or service not known", "no space left on device").
        cues = ("negation_before", "negation_after")
        spans_from: dict[int, int] = {}
        for h in hits:
            if h.entry.family not in cues and h.last - h.first > 1:
                spans_from[h.first] = max(spans_from.get(h.first, 0), h.last)

        def inside_term(cue: _Hit) -> bool:
            return any(
                spans_from.get(f, -1) >= cue.last and spans_from[f] - f > cue.last - cue.first
                for f in range(max(0, cue.first - _MAX_TERM_WORDS), cue.first + 1)
            )

        for h in hits:
            fam = h.entry.family
            if fam in cues and inside_term(h):
                continue
            if fam == "negation_before":
                j = h.last
                while (
                    j < len(tokens)
                    and tokens[j].text in self._skip
                    and same_clause(j - 1, j)
                    and j - h.last < 4
                ):
                    j += 1
                for k in range(j, min(j + _NEG_WINDOW_AFTER_CUE, len(tokens))):
                    if not same_clause(k - 1, k):
                        break
                    negated.add(k)
            elif fam == "negation_after":
                # "Istio, but that's irrelevant": filler words between the term and the cue
                # ("but", "that", "is") do not use up the window.
                k = h.first - 1
                counted = 0
                while (
                    k >= 0
                    and counted < _NEG_WINDOW_BEFORE_CUE
                    and (
                        same_clause(k, k + 1)
                        or (
                            # "Istio, but that's irrelevant": a comma before the filler words
                            tokens[k + 1].text in self._skip
                            and folded[tokens[k].end : tokens[k + 1].start].strip() == ","
                        )
                    )
                ):
                    negated.add(k)
                    if tokens[k].text not in self._skip:
                        counted += 1
                    k -= 1
        return negated

    # ------------------------------------------------------------------------------ triage

    def triage(self, text: str) -> TriageResult:
        """Triage one ticket. Never raises on any str; empty input gives unclear, 0."""
        if not isinstance(text, str) or not text.replace("\x00", "").strip():
            return TriageResult(UNCLEAR, 0.0, notes=("empty ticket",))
        prepared = prepare(text, self._log_markers)
        notes: list[str] = []
        if prepared.truncated:
            notes.append(
                f"only the first {MAX_MATCH_CHARS // 1000} KB of {prepared.original_length // 1000}"
                " KB were read for matching"
            )
        tokens = [
            _Token(t, self._canon(t), _VERSION_WORD.fullmatch(t) is not None, s, e)
            for t, s, e in _tokenize(prepared.folded)
        ]
        hits = self._drop_contained(self._hits(prepared, tokens))
        negated = self._negated_tokens(hits, tokens, prepared.folded)

        bullets: dict[str, _Scored] = defaultdict(_Scored)
        per_term: dict[tuple[str, str], list[tuple[float, _Hit]]] = defaultdict(list)
        signals: dict[str, float] = defaultdict(float)
        signal_best: dict[tuple[str, str], float] = {}
        for h in hits:
            fam = h.entry.family
            if fam in ("negation_before", "negation_after", "negation_skip", "log_markers"):
                continue
            if any(k in negated for k in range(h.first, h.last)):
                continue
            w = h.entry.weight * prepared.weight_at(h.start)
            if w <= 0:
                continue
            if fam == BULLETS:
                per_term[(h.entry.key, h.entry.text)].append((w, h))
            else:
                # A signal counts each distinct term once, by its best-placed occurrence.
                signal_best[(fam, h.entry.text)] = max(signal_best.get((fam, h.entry.text), 0.0), w)
        for (fam, _term), w in signal_best.items():
            signals[fam] += w
        if self._asks_both_sides(prepared, per_term):
            signals["both_sides"] += 1.0
        # A pasted exception is a visible failure even when no symptom word is written
        # ("sqlalchemy.exc.ProgrammingError: relation ... does not exist").
        if any(line.role == EXCEPTION for line in prepared.lines):
            signals["prefect_symptom"] += 1.0
        for (title, term), occ in per_term.items():
            occ.sort(key=lambda x: (-x[0], x[1].start))
            best = occ[0][0]
            # Repetition adds a little: a log that repeats one line 500 times is one fact.
            contribution = best * (1.0 + 0.15 * min(len(occ) - 1, 4))
            scored = bullets[title]
            scored.raw += contribution
            if occ[0][1].entry.weight >= _SPECIFIC_WEIGHT:
                scored.specific += contribution
            w, h = occ[0]
            scored.evidence.append((contribution, h.start, h.end, term))

        return self._decide(prepared, bullets, signals, notes)

    def _asks_both_sides(
        self, prepared: PreparedText, per_term: dict[tuple[str, str], list[tuple[float, _Hit]]]
    ) -> bool:
        """True when one question of the customer is about Prefect and another one about
        their infrastructure ("1) which chart values ...? 2) how do we set up Datadog ...?")."""
        spans = [
            (a, b)
            for a, b in _questions(prepared.folded)
            if (line := prepared.line_at(b - 1)) is not None and line.role in _ASK_ROLES
        ]
        if len(spans) < 2:
            return False
        sides: list[dict[str, float]] = [defaultdict(float) for _ in spans]
        starts = [a for a, _ in spans]
        for (title, _term), occ in per_term.items():
            side = self._side.get(title)
            for w, h in occ:
                i = bisect_right(starts, h.start) - 1
                if i < 0 or h.end > spans[i][1]:
                    continue
                if side == OUT_OF_SCOPE and h.entry.weight < _SPECIFIC_WEIGHT:
                    continue
                if side is not None:
                    sides[i][side] += w
        asks_in = asks_out = False
        for q in sides:
            q_in, q_out = q[IN_SCOPE], q[OUT_OF_SCOPE]
            asks_in = asks_in or (q_in >= 1.5 and q_in > q_out)
            asks_out = asks_out or (q_out >= 2.0 and q_out > q_in)
        return asks_in and asks_out

    # ---------------------------------------------------------------------------- decision

    def _decide(
        self,
        prepared: PreparedText,
        bullets: dict[str, _Scored],
        signals: dict[str, float],
        notes: list[str],
    ) -> TriageResult:
        side_raw: dict[str, list[float]] = {IN_SCOPE: [], OUT_OF_SCOPE: []}
        for title, scored in bullets.items():
            side = self._side.get(title)
            if side == IN_SCOPE:
                side_raw[side].append(scored.raw)
            elif side == OUT_OF_SCOPE:
                # Context words on the infrastructure side ("we run on Kubernetes") count a
                # quarter; the decision rests on specific infrastructure topics.
                side_raw[side].append(scored.specific + 0.25 * (scored.raw - scored.specific))
        s_in = _side_strength(side_raw[IN_SCOPE])
        s_out = _side_strength(side_raw[OUT_OF_SCOPE])
        anchor = signals.get("prefect_anchor", 0.0)
        symptom = signals.get("prefect_symptom", 0.0)
        cause = signals.get("infra_cause", 0.0)
        both = signals.get("both_sides", 0.0)
        non_support = signals.get("non_support", 0.0)
        if anchor > 0:
            # A bug report about Prefect leans in scope even where no bullet word is found.
            s_in += 0.5 * min(signals.get("in_scope_hint", 0.0), 3.0)
        tech = s_in + s_out
        extras = {
            "in_strength": round(s_in, 3),
            "out_strength": round(s_out, 3),
            "signals": {k: round(v, 3) for k, v in sorted(signals.items())},
        }

        verdict, confidence = self._verdict(s_in, s_out, anchor, symptom, cause, both, non_support)
        if verdict == UNCLEAR:
            notes.append(
                "no support content found"
                if non_support <= 0 or tech > 0
                else "reads like a non-support message (billing, meeting, thanks)"
            )
        matches = self._matches(bullets, verdict, prepared.text)
        if verdict == UNCLEAR and tech < _MIN_TECH:
            matches = ()
        return TriageResult(
            verdict, round(confidence, 4), matches, notes=tuple(notes), extras=extras
        )

    def _verdict(
        self,
        s_in: float,
        s_out: float,
        anchor: float,
        symptom: float,
        cause: float,
        both: float,
        non_support: float,
    ) -> tuple[str, float]:
        tech = s_in + s_out
        evidence = 1.0 - math.exp(-tech / 4.0)
        if tech < _MIN_TECH or (non_support > 0 and tech < 2.5 and non_support >= 0.5 * tech):
            conf = 0.5 + 0.4 * min(1.0, non_support / 2.0) if non_support > 0 else 0.3
            return UNCLEAR, conf * (1.0 - min(tech, _MIN_TECH) / (2 * _MIN_TECH))
        r = s_out / tech
        if anchor <= 0 and s_out >= 1.0:
            # Nothing Prefect-specific: Prefect is at most the workload.
            return OUT_OF_SCOPE, 0.5 + 0.45 * evidence * min(1.0, r + 0.3)
        symptom_and_cause = symptom > 0 and cause > 0
        # A visible Prefect failure keeps Prefect in the picture even when the infrastructure
        # side dominates the wording.
        upper = 0.9 if symptom >= 2.0 and s_in >= 2.0 else 0.8
        if s_in >= 1.5 and s_out >= 1.5 and (symptom_and_cause or both > 0) and 0.2 <= r <= upper:
            balance = 1.0 - abs(r - 0.5) * 2.0
            return SPANS_BOTH, 0.45 + 0.45 * evidence * balance
        margin = abs(r - 0.5) * 2.0
        conf = 0.35 + 0.6 * evidence * margin
        if r < 0.5:
            return IN_SCOPE, conf
        return OUT_OF_SCOPE, conf

    def _matches(self, bullets: dict[str, _Scored], verdict: str, text: str) -> tuple[Match, ...]:
        items: list[Match] = []
        for title, scored in bullets.items():
            if scored.raw < _MIN_BULLET:
                continue
            side = self._side.get(title)
            if side is None:
                continue
            ev = sorted(scored.evidence, key=lambda x: (-x[0], x[1]))[:_MAX_EVIDENCE]
            evidence = tuple(
                Evidence(text[s:e], s, e) for _, s, e, _ in sorted(ev, key=lambda x: x[1])
            )
            items.append(Match(title, side, scored.raw / (scored.raw + 2.0), evidence))
        position = {b.title: b.position for b in self.policy.bullets}
        items.sort(key=lambda m: (-m.score, position.get(m.title, 0)))
        # The first bullet agrees with the verdict (the best bullet of its side); the rest
        # follow by score, so a strong bullet of the other side still shows near the top.
        if verdict in (IN_SCOPE, OUT_OF_SCOPE):
            lead = next((i for i, m in enumerate(items) if m.side == verdict), None)
            if lead:
                items.insert(0, items.pop(lead))
        return tuple(items)


_MIN_TECH = 1.0
_ASK_ROLES = frozenset({TITLE, ASK})
# How far back a term containing a negation cue may start (longest terms have ~8 words).
_MAX_TERM_WORDS = 10
# What ends the sentence before a question ("values.yaml" has a dot but ends nothing).
_SENTENCE_ENDS = (". ", ".\n", "! ", "!\n", "\n", ": ")


def _questions(folded: str) -> list[tuple[int, int]]:
    """Character spans of the questions in the text: from the previous sentence end up to
    and including each "?". Linear: each search stops at the previous question."""
    spans: list[tuple[int, int]] = []
    lo = 0
    q = folded.find("?")
    while q != -1:
        start = max(
            (
                folded.rfind(e, lo, q) + len(e)
                for e in _SENTENCE_ENDS
                if folded.rfind(e, lo, q) != -1
            ),
            default=lo,
        )
        if q - start > 1:
            spans.append((start, q + 1))
        lo = q + 1
        q = folded.find("?", lo)
    return spans


def _one_term_per_word(hits: list[_Hit]) -> list[_Hit]:
    """Within one bullet a word counts once: overlapping terms ("ci/cd" and "cd pipeline")
    keep the heavier (then longer) one."""
    by_key: dict[str, list[_Hit]] = defaultdict(list)
    for h in hits:
        by_key[h.entry.key].append(h)
    kept: list[_Hit] = []
    for key_hits in by_key.values():
        key_hits.sort(key=lambda h: (-h.entry.weight, -(h.last - h.first), h.first))
        used: set[int] = set()
        for h in key_hits:
            span = range(h.first, h.last)
            if any(k in used for k in span):
                continue
            used.update(span)
            kept.append(h)
    return kept


# Terms below this weight are context ("kubernetes", "postgres", "docker"): they say where
# something runs. Deciding that infrastructure is involved needs more specific words.
_SPECIFIC_WEIGHT = 0.75
_MIN_BULLET = 0.3


def _side_strength(raws: list[float]) -> float:
    """The best bullet counts fully, the next ones less: breadth helps, but one strong topic
    is already a clear signal."""
    total = 0.0
    for i, raw in enumerate(sorted(raws, reverse=True)[:3]):
        total += raw * (1.0, 0.5, 0.25)[i]
    return total
