"""One router per concern: auth, personas, posts, runtime, moderation, engagement, operator, health."""
