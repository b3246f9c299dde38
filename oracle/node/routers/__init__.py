"""Small routers, one concern each."""
