"""`python -m ai_worker.runtime`: the same as `fame worker runtime`."""

from ai_worker.cli import runtime_cmd

if __name__ == "__main__":
    runtime_cmd(prog_name="python -m ai_worker.runtime")
