"""FameEngine's AI worker, the ML core: images and captions that carry a persona's current
emotion, the emotion engine that picks that emotion, and signed AI-disclosure manifests
published through fame.ipfs.

    emotions        the one emotion list (EMOTIONS) and engagement states
    dataset         procedural avatar faces per emotion (the image model's training data)
    image_model     ImageGenerator: EmbeddedImageGenerator (default), DiffusersPipelineGenerator
    train_image_model   trains the embedded UNet (python -m ai_worker.train_image_model)
    face_classifier a small emotion classifier for faces (self-check, tests)
    captions        Captioner: TemplateCaptioner (default), OpenAICompatibleCaptioner, TransformersCaptioner
    persona         PersonaProfile from a persona spec
    emotion_engine  EmotionEngine: Q-learning over Q(s, a, e), persisted per persona
    audience        a simulated audience (stands in for the oracle in tests and evaluation)
    warm_start      corpus of other influencers' posts -> supervised prior for the engine
    simulate        engine vs random on the simulated audience, learning-curve plot
    manifest        build_manifest / verify_manifest / publish
    pipeline        ContentPipeline: one request to a signed content item

Modules are imported on use; torch, diffusers and transformers load only with the image
model or a transformers captioner.
"""
