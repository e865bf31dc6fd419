"""The language of an article: what the page and the feed declare, checked against the text.

Declarations are usually right and cost nothing, but templates lie: a Swahili or Zulu paper
built on an English theme keeps `<html lang="en">` on every page. So the declared languages
(in order: `<html lang>`, JSON-LD `inLanguage`, meta tags, the feed's language) are checked
against an offline detector (py3langid) run on the main text. A declaration is kept unless
the detector is confident about a different language on enough text; then the detector wins
and the source says so. Pure and deterministic; the model is loaded once per process.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

from py3langid import langid

logger = logging.getLogger(__name__)

__all__ = ["DETECT_MIN_CHARS", "OVERRIDE_CONFIDENCE", "detect_language", "normalise_language", "pick_language"]

# Below this much text the detector is a guess; declarations are never overridden.
DETECT_MIN_CHARS = 200
# Probability (normalised over py3langid's 97 languages) needed to override a declaration.
OVERRIDE_CONFIDENCE = 0.95
# Without any declaration, a detection below this is reported as unknown.
DETECT_CONFIDENCE = 0.5
_SAMPLE_CHARS = 2000

_LANG_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")
_ISO639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
    de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
    ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
    lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
    pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st su sv sw ta te tg th
    ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)
_ISO639_3_ONLY = frozenset({"fil", "yue", "ceb", "haw", "ckb", "hmn"})  # no two-letter code
_DEPRECATED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
# Languages a character-n-gram detector cannot tell apart reliably: a declaration inside the
# same group as the detection is kept.
_CLOSE_GROUPS = (
    frozenset({"no", "nb", "nn", "da"}),
    frozenset({"hr", "sr", "bs", "sh"}),
    frozenset({"ms", "id"}),
    frozenset({"cs", "sk"}),
    frozenset({"es", "gl", "ca", "pt"}),
    frozenset({"zu", "xh", "ss", "nr"}),
    frozenset({"fil", "tl"}),
    frozenset({"zh", "yue"}),
)


def normalise_language(tag: str | None) -> str | None:
    """'en-US' / 'en_GB' / 'EN' -> 'en'; None for anything that is not a language tag
    (content-language="utf-8" is a real case)."""
    if not tag:
        return None
    match = _LANG_TAG.match(tag.strip())
    if not match:
        return None
    primary = match.group(1).lower()
    primary = _DEPRECATED.get(primary, primary)
    if primary in _ISO639_1 or primary in _ISO639_3_ONLY:
        return primary
    return None


@functools.cache
def _identifier() -> langid.LanguageIdentifier:
    """py3langid with probabilities normalised to sum 1 (loaded once, ~0.8 CPU-s)."""
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """(language, probability) of `text` by py3langid; (None, 0.0) for text too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample[:1000]) < 20:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return normalise_language(lang), float(prob)


def _close(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _CLOSE_GROUPS)


def pick_language(declared: Iterable[tuple[str | None, str]], text: str) -> tuple[str | None, str | None]:
    """(language, source) from `declared` (tag, source) pairs in order of trust, and the text.

    The first valid declaration wins unless the detector, on at least DETECT_MIN_CHARS of
    text, is OVERRIDE_CONFIDENCE sure of a language no close relative of the declared one; then
    a later declaration that agrees with the detector wins, else the detection ("detected")."""
    valid = [(lang, source) for lang, source in ((normalise_language(t), s) for t, s in declared) if lang]
    detected, prob = detect_language(text) if text else (None, 0.0)
    if not valid:
        if detected and prob >= DETECT_CONFIDENCE:
            return detected, "detected"
        return None, None
    first_lang, first_source = valid[0]
    confident = detected is not None and prob >= OVERRIDE_CONFIDENCE and len(text) >= DETECT_MIN_CHARS
    if not confident or _close(first_lang, detected):
        return first_lang, first_source
    for lang, source in valid[1:]:
        if _close(lang, detected):
            logger.debug("declared %s (%s) overridden by %s (%s) and the detector", first_lang, first_source,
                         lang, source)
            return lang, source
    logger.debug("declared %s (%s) but the text is %s (p=%.3f)", first_lang, first_source, detected, prob)
    return detected, "detected"
