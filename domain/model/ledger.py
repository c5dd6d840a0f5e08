"""The kinds of ledger entries and what each kind is."""

from __future__ import annotations

from enum import StrEnum


class LedgerKind(StrEnum):
    STAMP = "stamp"
    REDEEM_STAMPS = "redeem_stamps"
    EARN_POINTS = "earn_points"
    REDEEM_POINTS = "redeem_points"
    VOID_POINTS = "void_points"
    EXPIRE_POINTS = "expire_points"
    UNDO = "undo"  # staff reversed their own operation
    NOT_ME = "not_me"  # the customer disowned an earning
    REFUND = "refund"  # a till refunded the receipt that earned (and the bonuses it paid)
    MERGE_OUT = "merge_out"  # balance moved away when duplicate cards were merged
    MERGE_IN = "merge_in"  # balance received from a merged duplicate
    CORRECT_STAMPS = "correct_stamps"  # the owner (or allowed staff) corrected the stamps
    # A rung of the reward ladder, named by the row's reward_id. REDEEM_STAMPS and
    # REDEEM_POINTS without an amount are the rows of the single reward before the ladder.
    REDEEM_REWARD = "redeem_reward"
    WELCOME = "welcome"  # bonus at the customer's first staff-confirmed operation
    BIRTHDAY = "birthday"  # bonus on the customer's birthday, once a year
    REFERRAL = "referral"  # bonus to both sides when a referred customer first comes

    @property
    def is_earning(self) -> bool:
        return self in (LedgerKind.STAMP, LedgerKind.EARN_POINTS)

    @property
    def is_bonus(self) -> bool:
        return self in BONUS_KINDS

    @property
    def is_redemption(self) -> bool:
        return self in (
            LedgerKind.REDEEM_STAMPS,
            LedgerKind.REDEEM_POINTS,
            LedgerKind.REDEEM_REWARD,
        )


BONUS_KINDS = frozenset({LedgerKind.WELCOME, LedgerKind.BIRTHDAY, LedgerKind.REFERRAL})
# Operations a staff member may undo: the ones they performed at the counter.
UNDOABLE_KINDS = (
    LedgerKind.STAMP,
    LedgerKind.REDEEM_STAMPS,
    LedgerKind.EARN_POINTS,
    LedgerKind.REDEEM_POINTS,
    LedgerKind.VOID_POINTS,
    LedgerKind.REDEEM_REWARD,
)
