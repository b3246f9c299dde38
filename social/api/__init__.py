"""The HTTP side of the social service: the FastAPI app, its edge models and its routers."""
