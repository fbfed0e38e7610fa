import json

import pytest

from llmspell_kernel import Envelope, MessageError, decode, encode


def test_round_trip() -> None:
    request = Envelope("invoke", "c1-1", "c1", {"tool": "calculator", "params": {"expression": "1+1"}})
    assert decode(encode(request)) == request
    reply = request.reply({"result": 2})
    assert reply.type == "invoke_reply"
    assert reply.reply_to == "c1-1"
    assert reply.client == "c1"
    assert decode(encode(reply)) == reply
    error = request.error("not_found", "no tool")
    assert error.is_error
    assert decode(encode(error)).payload == {"kind": "not_found", "message": "no tool"}


def test_wire_form_is_compact_utf8_json() -> None:
    data = encode(Envelope("list", "c1-2", "c1", {"q": "é"}))
    assert data == '{"v":1,"type":"list","id":"c1-2","client":"c1","payload":{"q":"é"}}'.encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff", "not a JSON message"),
        (b"[1]", "must be a JSON object"),
        (b'{"v": 2, "type": "x", "id": "1", "client": "c"}', "unsupported protocol version 2"),
        (b'{"v": 1, "type": "", "id": "1", "client": "c"}', "'type' must be a non-empty string"),
        (b'{"v": 1, "type": "x", "id": "1", "client": "c", "payload": []}', "'payload' must be an object"),
        (b'{"v": 1, "type": "x", "id": "1", "client": "c", "reply_to": 3}', "'reply_to' must be a string"),
    ],
)
def test_decode_rejects_malformed_messages(data: bytes, message: str) -> None:
    with pytest.raises(MessageError, match=message):
        decode(data)


def test_encode_rejects_non_json_payloads() -> None:
    with pytest.raises(MessageError, match="payload is not JSON"):
        encode(Envelope("x", "1", "c", {"bad": float("nan")}))
    assert json.loads(encode(Envelope("x", "1", "c")))["payload"] == {}
