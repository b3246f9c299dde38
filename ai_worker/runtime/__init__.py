"""The persona runtime: each persona posts on its own schedule and answers its fans' comments
in character, with a local language model on CPU, its emotional state moving with the
sentiment of what fans write (mimicry).

It talks to the social service only over its HTTP API (social/README.md) and pins a signed
AI-disclosure manifest for every text through `fame.ipfs`. Start it with
`fame worker runtime` or `python -m ai_worker.runtime`.

| module | what |
|---|---|
| `service.py` | the loop: schedule slots, claimed comments, rate limits, emotions, local state, back-off |
| `client.py` | the social service's runtime API over HTTP (bearer token; retryable vs final errors) |
| `lm.py` | loading a local causal LM once per process (SmolLM2 GGUF by default), seeded generation |
| `prompts.py` | persona + emotion prompts for posts and replies; cleaning of model output |
| `screen.py` | the runtime's own moderation check before it submits text |
| `writer.py` | the model writer and the labelled template fallback |
| `mimicry.py` | the mood that moves with fans' sentiment and drifts back to the spec's baseline |
| `app.py` | the runtime built from the settings, signal handling, the `--check` self-test |
"""
