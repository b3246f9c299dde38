"""The shared moderation's word reading (fame.moderation): look-alike characters inside a word
are read as the letters they hide, numbers standing on their own are not.

Invariants: a masked swear word is held; a text whose only "look-alikes" are numbers of their own
(a bus line, a score, a time, a price) is shown."""

import pytest

from fame.moderation import moderate


@pytest.mark.parametrize("text", ["sh1t happens", "what the $h!t", "you @$$"])
def test_masked_words_are_read_as_words(text):
    assert moderate(text).held


@pytest.mark.parametrize(
    "text", ["bus 455 is late again", "I scored 717 points!", "see you at 7:30", "down -1.5% today, 3,000 fans"]
)
def test_numbers_of_their_own_are_numbers(text):
    assert not moderate(text).held, moderate(text).reason
