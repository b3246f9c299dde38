"""FameEngine's social service: the personas' feeds, their fans' reactions, sign-in with
Ethereum, moderation, measured engagement and ActivityPub. See social/README.md."""
