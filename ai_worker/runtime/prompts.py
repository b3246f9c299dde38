"""What the language model is told, and what is kept of what it writes.

Prompts are short on purpose: a 135M-parameter model follows a few plain sentences and one
worked example far better than a page of instructions. The system message is the persona
(name, strongest traits, tagline, first line of its backstory, voice, topics, what it never
mentions, its current feeling); then one example turn in that feeling; then the task: the
next post about one of its topics, or the fan's comment with the post it was left on.

    messages = reply_messages(profile, "joy", post_body="Neon nights!", comment="Love this!")
    text = clean(raw_model_output, limit=280)

`clean` turns raw model output into something a persona can post: no chat role tags or
special tokens, no "Nova Lux:" prefix, no stage directions such as "(laughs)", no @mentions
(the model invents accounts), no surrounding quotes, no broken trailing characters or emoji
joiners, cut at the last full sentence inside the length limit.
"""

from __future__ import annotations

import re

from ..emotions import check
from ..persona import PersonaProfile

POST_LIMIT = 280
REPLY_LIMIT = 280

# How each emotion reads in a sentence, and how it colours what the persona says.
FEELING: dict[str, str] = {
    "joy": "joyful and excited",
    "sadness": "a little sad and wistful",
    "anger": "frustrated and fired up",
    "surprise": "amazed and surprised",
    "calm": "calm and relaxed",
    "fear": "nervous and worried",
}

Message = dict[str, str]


def feeling(emotion: str) -> str:
    return FEELING[check(emotion)]


def system_message(profile: PersonaProfile, emotion: str) -> str:
    """Who the persona is and how it feels right now."""
    who = f"You are {profile.name}"
    if profile.handle:
        who += f" (@{profile.handle})"
    who += ", an AI virtual influencer."
    lines = [who]
    traits = profile.top_traits(3)
    if traits:
        lines.append("You are " + _and(traits) + ".")
    if profile.tagline:
        lines.append(profile.tagline.strip().rstrip(".") + ".")
    if profile.backstory:
        lines.append(_first_sentence(profile.backstory))
    voice = ", ".join(v for v in (profile.tone, profile.formality) if v)
    if voice:
        lines.append(f"Your voice is {voice}.")
    topics = allowed_topics(profile)
    if topics:
        lines.append("You talk about " + _and(topics) + ".")
    if profile.avoid_topics:
        lines.append("You never talk about " + _and(list(profile.avoid_topics)) + ".")
    lines.append(f"Right now you feel {feeling(emotion)}.")
    return " ".join(lines)


# One worked example per emotion, given to the model as an earlier turn: a small model copies
# the shape (one or two short sentences, in the feeling) far better than it follows a rule.
DEMO_POST_TOPIC = "morning coffee"
DEMO_POST: dict[str, str] = {
    "joy": "Morning coffee with a view of the sky trains. Best start of the day! ☕",
    "sadness": "Morning coffee alone again. The city feels far away today.",
    "anger": "Third cold coffee this week. Who designs these machines?",
    "surprise": "They put a coffee bar on the sky train?! Did not see that coming!",
    "calm": "Slow morning, warm coffee, quiet streets.",
    "fear": "Coffee in hand, nervous about today's big launch.",
}
DEMO_COMMENT_POST = "Morning coffee with a view of the sky trains."
DEMO_COMMENT = "So cozy, I want to be there!"
DEMO_REPLY: dict[str, str] = {
    "joy": "Come over, the sky trains wave back at you! ☕",
    "sadness": "That means a lot today. Thank you for being here.",
    "anger": "The trains were late again and I'm fuming, but your comment helps!",
    "surprise": "Wait, really? You just made my morning!",
    "calm": "Slow mornings are the best. Pull up a chair.",
    "fear": "I was nervous to post this, so thank you.",
}


def post_messages(profile: PersonaProfile, emotion: str, topic: str) -> list[Message]:
    emotion = check(emotion)
    system = system_message(profile, emotion) + " You write short social media posts of one or two sentences."
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Write your next post, about {DEMO_POST_TOPIC}."},
        {"role": "assistant", "content": DEMO_POST[emotion]},
        {"role": "user", "content": f"Write your next post, about {_quote(topic, 80)}."},
    ]


def reply_messages(profile: PersonaProfile, emotion: str, post_body: str, comment: str) -> list[Message]:
    emotion = check(emotion)
    system = system_message(profile, emotion) + " You answer your fans' comments in one or two short sentences."
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": _comment_turn(DEMO_COMMENT_POST, DEMO_COMMENT)},
        {"role": "assistant", "content": DEMO_REPLY[emotion]},
        {"role": "user", "content": _comment_turn(post_body, comment)},
    ]


def _comment_turn(post_body: str, comment: str) -> str:
    return f'On your post "{_quote(post_body, 240)}", a fan wrote: "{_quote(comment, 400)}"'


def plain_prompt(messages: list[Message]) -> str:
    """The messages as plain text, for a model whose tokenizer has no chat template."""
    parts = [m["content"] for m in messages]
    return "\n\n".join(parts) + "\n\nAnswer:"


def allowed_topics(profile: PersonaProfile) -> list[str]:
    avoid = {t.lower() for t in profile.avoid_topics}
    return [t for t in profile.topics if t.lower() not in avoid]


def pick_topic(profile: PersonaProfile, seed: int) -> str:
    topics = allowed_topics(profile)
    return topics[seed % len(topics)] if topics else "your day"


# ---------------------------------------------------------------------------- cleaning

_STAGE = re.compile(r"\((?:laughs|laughing|smiles|giggles|winks|sighs|grins)[^)]*\)|\*[a-z ]{3,20}\*", re.I)
_SPECIAL = re.compile(r"<\|[^|>]*\|>|</?s>|\[/?INST\]|<think>.*?</think>", re.S)
_ROLE_LINE = re.compile(r"^\s*(system|user|assistant|fan|reply|post|answer)\s*[:\n]", re.I)
_SENTENCE_END = re.compile(r"[.!?…](?:[\"')\]]+)?(?=\s|$)")


def clean(text: str, limit: int = REPLY_LIMIT, name: str | None = None) -> str:
    """Model output made postable (see the module docstring); "" when nothing usable is left."""
    text = _SPECIAL.sub(" ", text).replace("\ufffd", "")
    text = _STAGE.sub(" ", text)
    # no @mentions (the model invents accounts; a persona must not tag strangers) and no
    # zero-width joiners (the model splits emoji sequences, leaving broken glyphs)
    text = re.sub(r"(?<![\w@])@\w+", " ", text).replace("\u200d", "")
    # The model sometimes goes on to play the next turn: keep only its own first turn.
    text = re.split(r"\n\s*(?:system|user|assistant|fan)\s*[:\n]", text, maxsplit=1, flags=re.I)[0]
    text = text.strip()
    for _ in range(3):  # "Assistant: Reply: ..." and the like
        stripped = _ROLE_LINE.sub("", text, count=1).strip()
        if name:
            stripped = re.sub(rf"^\s*@?{re.escape(name)}\s*:\s*", "", stripped, flags=re.I)
        if stripped == text:
            break
        text = stripped
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) >= 2 and text[0] in "\"'“" and text[-1] in "\"'”":
        text = text[1:-1].strip()
    text = text.strip('"“” ')
    if len(text) > limit:
        text = text[:limit]
        # a cut in the middle of a word drops that word
        if " " in text:
            text = text[: text.rfind(" ")]
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if ends and ends[-1] < len(text):
        text = text[: ends[-1]]  # an unfinished last sentence goes
    elif not ends and len(text) > limit // 2:
        text = text.rstrip(",;:-– ") + "…"
    if text.count('"') % 2:  # a quote opened or closed without its partner
        text = text.strip('"').replace('"', "")
    return text.strip()


def _and(items: list[str]) -> str:
    items = [str(i).strip() for i in items if str(i).strip()]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    m = _SENTENCE_END.search(text)
    sentence = text[: m.end()] if m else text
    return sentence[:300]


def _quote(text: str, limit: int) -> str:
    text = " ".join(str(text).split()).replace('"', "'")
    return text if len(text) <= limit else text[: limit - 1] + "…"
