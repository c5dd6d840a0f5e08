"""A counter call waiting for the store of the day fits in its step and comes back whole."""

from __future__ import annotations

from bot.counter_calls import PAYLOAD_MAX, CounterCall, Op


def test_a_call_comes_back_as_it_was_kept() -> None:
    call = CounterCall(Op.REWARD, "123456789012", "u8123456789:4242", "17", step=99)
    assert CounterCall.decode(call.encode()) == call


def test_a_long_reason_is_shortened_to_fit_its_step() -> None:
    token = "A" * 32  # a QR token
    reason = 'Rückgabe "Kuchen" \\ ' * 10  # escapes take room in the step too
    call = CounterCall(Op.VOID, token, "u8123456789:123456789012", "1000000", reason, 123456)
    payload = call.encode()
    assert len(payload) <= PAYLOAD_MAX
    back = CounterCall.decode(payload)
    assert back.reason and reason.startswith(back.reason) and len(back.reason) < len(reason)
    assert back == CounterCall(Op.VOID, token, call.key, call.value, back.reason, call.step)
