"""The live-event room server: fans with a ticket meet a persona in a room over WebSockets
(presence, chat, questions the persona answers with its voice), and the server signs the
attendance vouchers that mint soulbound badges. See docs/live.md."""
