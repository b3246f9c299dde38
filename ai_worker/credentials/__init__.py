"""Content credentials for what the AI worker makes: C2PA manifests signed with the worker's
certificate, an invisible watermark in the pixels, and their verification.

    certs      ensure_credentials(state_dir, account) -> WorkerCredentials (root CA + ES256 leaf)
    claim      CredentialClaim: persona, request, models, emotion, disclosure -> C2PA assertions
    sign       sign(content, media_type, claim, credentials) -> signed bytes; anchor_hash(bytes)
    watermark  Payload.for_request(persona, request); embed(image, payload); decode(image)
    verify     verify(file, expected_anchor, trust_root_pem) -> VerifyReport
    cli        the `verify` click command (mounted as `fame content verify`)

Modules import on use: c2pa, OpenCV and PyWavelets load only with the module that needs them.
"""
