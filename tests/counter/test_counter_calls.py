"""A counter call waiting for the store of the day fits in its step and comes back whole."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.counter_calls import STORE_QUESTION, CounterCall, Op
from bot.step_kinds import PAYLOAD_LIMIT
from infra.steps import Step


def _kept(call: CounterCall) -> Step:
    return Step(
        id=1,
        chat_id=2,
        kind=STORE_QUESTION.name,
        subject_id=None,
        payload=STORE_QUESTION.encode(call.fitting()),
        prompt_ids=(),
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
        closed_as=None,
    )


def test_a_call_comes_back_as_it_was_kept() -> None:
    call = CounterCall(Op.REWARD, "123456789012", "u8123456789:4242", "17", step=99)
    assert STORE_QUESTION.parse(_kept(call)) == call


def test_a_long_reason_is_shortened_to_fit_its_step() -> None:
    token = "A" * 32  # a QR token
    reason = 'Rückgabe "Kuchen" \\ ' * 10  # escapes take room in the step too
    call = CounterCall(Op.VOID, token, "u8123456789:123456789012", "1000000", reason, 123456)
    step = _kept(call)
    assert step.payload is not None and len(step.payload) <= PAYLOAD_LIMIT
    back = STORE_QUESTION.parse(step)
    assert back is not None and back.reason is not None
    assert reason.startswith(back.reason) and len(back.reason) < len(reason)
    assert back == CounterCall(Op.VOID, token, call.key, call.value, back.reason, call.step)


def test_an_operation_this_version_does_not_know_reads_as_none() -> None:
    step = _kept(CounterCall(Op.STAMP, "123456789012", "u1", "1"))
    assert step.payload is not None
    forged = Step(**{**step.__dict__, "payload": step.payload.replace('"stamp"', '"melt"')})
    assert STORE_QUESTION.parse(forged) is None
