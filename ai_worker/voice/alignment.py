"""Exposing the neural voice's phoneme durations without the onnx package.

A Piper voice computes how many spectrogram frames each phoneme id lasts (the output of its
one Ceil node) and throws the number away; marking that tensor as a second graph output makes
onnxruntime return it, and frames x hop length is the exact sample count of every phoneme.
Piper does this with the `onnx` package; here it is done on the protobuf wire format
directly, so alignment needs no extra dependency: the model's bytes are scanned for the Ceil
node's output name, and one more GraphProto holding a single ValueInfoProto with that name is
appended to the ModelProto. Protobuf merges a repeated embedded message field, so the parser
sees the original graph with one more output.
"""

from __future__ import annotations

from collections.abc import Iterator

# field numbers from onnx.proto
_MODEL_GRAPH = 7
_GRAPH_NODE = 1
_GRAPH_OUTPUT = 12
_NODE_OUTPUT = 2
_NODE_OP_TYPE = 4
_VALUE_INFO_NAME = 1


class AlignmentPatchError(ValueError):
    """The model has no single Ceil node to expose, or is not an ONNX protobuf."""


def with_alignment_output(model: bytes) -> tuple[bytes, str]:
    """The model's bytes with the phoneme-duration tensor added as an output, and its name."""
    graphs = [(start, end) for field, start, end in _fields(model, 0, len(model)) if field == _MODEL_GRAPH]
    if not graphs:
        raise AlignmentPatchError("no graph in the model")
    ceil_outputs: list[str] = []
    existing: set[str] = set()
    # a model patched before has a second, merged graph field: read them all as one graph
    parts = [item for start, end in graphs for item in _fields(model, start, end)]
    for field, s, e in parts:
        if field == _GRAPH_NODE:
            op, outs = b"", []
            for f2, s2, e2 in _fields(model, s, e):
                if f2 == _NODE_OP_TYPE:
                    op = model[s2:e2]
                elif f2 == _NODE_OUTPUT:
                    outs.append(model[s2:e2].decode("utf-8"))
            if op == b"Ceil":
                ceil_outputs.extend(outs)
        elif field == _GRAPH_OUTPUT:
            for f2, s2, e2 in _fields(model, s, e):
                if f2 == _VALUE_INFO_NAME:
                    existing.add(model[s2:e2].decode("utf-8"))
    if len(ceil_outputs) != 1:
        raise AlignmentPatchError(f"expected one Ceil node output, found {len(ceil_outputs)}")
    name = ceil_outputs[0]
    if name in existing:
        return model, name  # already patched on disk
    extra = _ld(_MODEL_GRAPH, _ld(_GRAPH_OUTPUT, _ld(_VALUE_INFO_NAME, name.encode("utf-8"))))
    return model + extra, name


def _fields(buf: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(field number, payload start, payload end) of each length-delimited field in buf[start:end]."""
    i = start
    while i < end:
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, i = _varint(buf, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n, i = _varint(buf, i)
            if i + n > end:
                raise AlignmentPatchError("truncated protobuf")
            yield field, i, i + n
            i += n
        else:
            raise AlignmentPatchError(f"unsupported protobuf wire type {wire}")


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(buf):
            raise AlignmentPatchError("truncated protobuf")
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _enc_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _ld(field: int, payload: bytes) -> bytes:
    return _enc_varint(field << 3 | 2) + _enc_varint(len(payload)) + payload
