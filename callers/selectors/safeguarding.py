"""Reads for vulnerability and safeguarding (policy 5.3b, 5.8i, 5.8j): what the handling card
may say about concerns and referrals, which risk words a handler's text contains, and the
counts the quarterly report's fairness section gives (SOP 6.1)."""

import functools
import re
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from callers.models import Caller, Concern, Flag, Referral, RiskWord
from opcc_calls.windows import start_of_day


def safeguarding_summary(caller: Caller) -> dict:
    """That there are concerns or referrals, and the handling agreed: never their detail."""
    concerns = list(caller.concerns.values_list("closed_at", "handling"))
    return {
        "open_concerns": sum(1 for closed, _ in concerns if closed is None),
        "referrals": caller.referrals.count(),
        "agreed_handling": [handling for _, handling in concerns if handling],
    }


#: Words that stand for a person: a phrase written in one person matches them all, so
#: "kill myself" also finds "kill himself" and "end my life" "end their life".
PERSON_WORDS = [
    ("myself", "yourself", "himself", "herself", "themselves", "themself", "ourselves", "oneself"),
    ("my", "your", "his", "her", "their", "our"),
    ("me", "you", "him", "her", "them", "us"),
    ("i", "you", "he", "she", "they", "we"),
]
#: Verbs whose other forms do not follow the usual endings.
IRREGULAR = {"take": ("took", "taken"), "cut": ("cutting",), "die": ("dying",)}
#: Short forms said either way: "won't be here" is also "will not be here".
CONTRACTIONS = {
    "won't": ("will not", "wont"),
    "can't": ("cannot", "can not", "cant"),
    "don't": ("do not", "dont"),
    "isn't": ("is not",),
    "i'm": ("i am",),
    "i'll": ("i will",),
}
#: In a phrase, "*" stands for one to three words said between ("jump off * bridge" finds
#: "jumping off the Severn bridge"); it never begins or ends a match by itself.
ANY_WORDS = r"[\w'’]+(?:[\s-]+[\w'’]+){0,2}"
VOWELS = "aeiou"


def open_concerns_for(caller_ids: list[int]) -> dict[int, int]:
    """How many open concerns each caller has (a count, never the detail), one query."""
    rows = (
        Concern.objects.filter(caller_id__in=caller_ids, closed_at__isnull=True)
        .values("caller_id")
        .annotate(open=Count("pk"))
    )
    return {row["caller_id"]: row["open"] for row in rows}


def _word_forms(word: str) -> list[str]:
    """The word as written, in any person, and with the usual verb and plural endings."""
    word = word.replace("’", "'")
    if word in CONTRACTIONS or "'" in word:
        forms = {word, word.replace("'", "’"), *CONTRACTIONS.get(word, ())}
        return sorted(forms, key=len, reverse=True)
    for group in PERSON_WORDS:
        if word in group:
            return sorted({w for g in PERSON_WORDS if word in g for w in g})
    forms = {word, f"{word}s", f"{word}es", f"{word}ed", f"{word}d", f"{word}ing"}
    if word.endswith("e"):
        forms.add(f"{word[:-1]}ing")  # take: taking
    # One vowel between consonants at the end doubles the last (stab: stabbed, stabbing).
    short = len(word) >= 3 and word[-3] not in VOWELS and word[-2] in VOWELS
    if short and word[-1] not in VOWELS + "wxy":
        forms |= {f"{word}{word[-1]}ed", f"{word}{word[-1]}ing"}
    forms.update(IRREGULAR.get(word, ()))
    return sorted(forms, key=len, reverse=True)


@functools.lru_cache(maxsize=512)
def risk_pattern(phrase: str) -> re.Pattern:
    """A risk word or phrase as it may be said: whole words, any case, any person, the usual
    endings, short forms either way, with a space, a hyphen or nothing between words ("self
    harm", "self-harm"), and "*" for a few words between."""
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w]
    parts = [
        ANY_WORDS if w == "*" else "(?:" + "|".join(re.escape(f) for f in _word_forms(w)) + ")"
        for w in words
    ]
    return re.compile(r"(?<!\w)" + r"[\s-]*".join(parts) + r"(?!\w)", flags=re.IGNORECASE)


def risk_words_in(text: str) -> list[str]:
    """The risk words and phrases (as managers wrote them) that the text says, in any person
    and form (see `risk_pattern`)."""
    if not text.strip():
        return []
    return [
        word
        for word in RiskWord.objects.filter(is_active=True).values_list("word", flat=True)
        if risk_pattern(word).search(text)
    ]


#: Concerns that record a possible disability or mental health condition.
CONDITIONS = [
    Concern.Kind.LEARNING_DISABILITY,
    Concern.Kind.PHYSICAL_DISABILITY,
    Concern.Kind.PERSONALITY_DISORDER,
    Concern.Kind.MENTAL_HEALTH,
    Concern.Kind.OTHER_CONDITION,
]


def flagged_fairness_counts(start: date, end: date) -> dict[str, int]:
    """For the quarterly report's fairness section (SOP 6.1), of the callers flagged from
    `start` to `end`: how many there were, had a concern about a disability or mental health
    condition recorded by the end, had reasonable adjustments (recorded for them, or
    considered for the flag), were referred by the end. Counts, never the detail."""
    finish = start_of_day(end + timedelta(days=1))
    flags = Flag.objects.filter(flagged_at__gte=start_of_day(start), flagged_at__lt=finish)
    mine = {"caller": OuterRef("pk")}
    conditions = Concern.objects.filter(**mine, kind__in=CONDITIONS, raised_at__lt=finish)
    return Caller.objects.filter(pk__in=flags.values("caller_id")).aggregate(
        flagged=Count("pk"),
        condition=Count("pk", filter=Q(Exists(conditions))),
        adjusted=Count(
            "pk",
            filter=~Q(reasonable_adjustments="")
            | Q(Exists(flags.filter(**mine, adjustments_considered=True))),
        ),
        referred=Count(
            "pk", filter=Q(Exists(Referral.objects.filter(**mine, referred_on__lte=end)))
        ),
    )
