"""Reads for vulnerability and safeguarding (policy 5.3b, 5.8i, 5.8j): what the handling card
may say about concerns and referrals, and which risk words a handler's text contains."""

import re

from callers.models import Caller, RiskWord


def safeguarding_summary(caller: Caller) -> dict:
    """That there are concerns or referrals, and the handling agreed: never their detail."""
    concerns = list(caller.concerns.values_list("closed_at", "handling"))
    return {
        "open_concerns": sum(1 for closed, _ in concerns if closed is None),
        "referrals": caller.referrals.count(),
        "agreed_handling": [handling for _, handling in concerns if handling],
    }


def risk_words_in(text: str) -> list[str]:
    """The risk words (whole words or phrases, any case) that appear in the text."""
    if not text.strip():
        return []
    found = []
    for word in RiskWord.objects.filter(is_active=True).values_list("word", flat=True):
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE):
            found.append(word)
    return found
