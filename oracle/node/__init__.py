"""The operator node: FastAPI app (routers, dependencies), protocol service, round driver."""
