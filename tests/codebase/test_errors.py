"""Every refusal is a DomainError that carries its fields and names them in `str()`."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain import errors
from domain.store_of_day import StoreChoice

WHEN = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)

# One sample per refusal: the fields its translated message needs.
SAMPLES: dict[type[errors.DomainError], dict[str, object]] = {
    errors.NotStaff: {},
    errors.NotOwner: {},
    errors.OwnCard: {},
    errors.CardOfOtherStore: {"store_name": "Café Zoé Gare"},
    errors.CardInactive: {},
    errors.CardNotFound: {},
    errors.CardNumberWrongLength: {"digits": 11},
    errors.StoreNotFound: {"reference": "k7m2p9qx"},
    errors.NoCard: {},
    errors.EntryNotFound: {},
    errors.TooManyFailedLookups: {"retry_after_minutes": 12},
    errors.StampsNotInProgram: {},
    errors.PointsNotInProgram: {},
    errors.CooldownActive: {"minutes_left": 7},
    errors.DailyLimitReached: {"daily_limit": 5, "remaining_today": 2},
    errors.InvalidStampCount: {"minimum": 1, "maximum": 10},
    errors.NotEnoughStamps: {"stamp_count": 3, "stamps_target": 10},
    errors.InvalidAmount: {"minimum": Decimal("0.01"), "maximum": Decimal("10000")},
    errors.NoPointsForAmount: {"amount": Decimal("0.50"), "points_per_euro": Decimal("1")},
    errors.InvalidPoints: {"minimum": 1, "maximum": 1_000_000},
    errors.NotEnoughPoints: {"points_balance": 40, "points_needed": 100},
    errors.LargePurchaseUnconfirmed: {"amount": Decimal("250"), "card_number": "123456789012"},
    errors.WholeBalanceVoidUnconfirmed: {"points_balance": 40, "card_number": "123456789012"},
    errors.NothingToUndo: {},
    errors.UndoWindowExpired: {"window_minutes": 10, "done_at": WHEN, "stamps": True},
    errors.CannotReverse: {},
    errors.AlreadyReversed: {},
    errors.InvalidName: {"max_length": 64},
    errors.AlreadyOwner: {"merchant_name": "Café Zoé"},
    errors.DuplicateStoreName: {"store_name": "Gare"},
    errors.UnknownSetting: {"key": "rewrd", "allowed_keys": ("type", "reward"), "near": "reward"},
    errors.InvalidSettingValue: {
        "key": "cooldown",
        "value": "9999",
        "choices": (),
        "minimum": 0,
        "maximum": 1440,
        "max_length": None,
        "example": None,
        "unit": None,
    },
    errors.BonusTooLargeForType: {"key": "welcome_bonus", "value": 500, "maximum": 10},
    errors.InvalidBirthday: {},
    errors.ReferralNotFound: {},
    errors.MergeConfirmationRequired: {"customers": 3, "cards": 7},
    errors.HappyHourPastMidnight: {"window": "tue 11:00-09:00 x3", "minutes": 1320},
    errors.TypeChangeHidesBalances: {"cards": 12, "hidden": "stamps"},
    errors.MembershipSwitchRequired: {"current_merchant_name": "Bäckerei Schmit"},
    errors.OwnerCannotBecomeStaff: {},
    errors.InviteNotFound: {},
    errors.InviteUsed: {},
    errors.InviteExpired: {},
    errors.StaffMemberNotFound: {"number": 4},
    errors.RewardReadyRedeemFirst: {"stamp_count": 10, "top_cost": 10},
    errors.InvalidRewardCost: {"unit": "stamps", "minimum": 1, "maximum": 50},
    errors.InvalidRewardName: {"max_length": 100},
    errors.LadderFull: {"unit": "points", "maximum": 10},
    errors.DuplicateRewardCost: {"unit": "stamps", "cost": 5, "name": "Cake"},
    errors.LastRewardKept: {"unit": "stamps"},
    errors.RewardNotFound: {"number": 3},
    errors.FirstRewardMustStayFirst: {"key": "stamps_target", "next_cost": 12},
    errors.CannotRevokeOwner: {},
    errors.CorrectionNotAllowed: {},
    errors.OfferLimitReached: {"limit": 1},
    errors.InvalidOfferText: {"max_length": 1000},
    errors.OfferNotFound: {},
    errors.InvalidAudienceDays: {"minimum": 1, "maximum": 365},
    errors.NoMerchantOfCustomer: {},
    errors.BadBrandColour: {"given": "#12"},
    errors.KeyUsedForAnotherCard: {},
    errors.CorrectionAboveTopReward: {"top": 10, "stamp_count": 8},
    errors.CorrectionNotJustified: {"most": 2},
    errors.BadBrandSymbol: {"given": "abc"},
    errors.BadLogo: {"max_megabytes": 10},
    errors.InvalidCorrection: {"maximum": 50},
    errors.InvalidCorrectionReason: {"max_length": 100},
    errors.CorrectionExceedsBalance: {"stamp_count": 2, "requested": 3},
    errors.OtherCafe: {"merchant_name": "Café Lux"},
    errors.KeyUsedForAnotherRequest: {},
    errors.ApiKeyRefused: {},
    errors.ApiKeyScopeMissing: {"scope": "earn"},
    errors.InvalidApiKeyName: {"max_length": 32},
    errors.InvalidApiKeyScopes: {"allowed": ("read", "earn", "redeem")},
    errors.DuplicateApiKeyName: {"name": "till"},
    errors.ApiKeyNotFound: {"name": "till"},
    errors.ReceiptAlreadyUsed: {"receipt": "R-0001"},
    errors.StoreOfDayRequired: {"stores": (StoreChoice(1, "Gare"), StoreChoice(2, "Kirchberg"))},
    errors.NotYourStore: {},
    errors.InvalidWebhookUrl: {},
    errors.WebhookNeedsHttps: {},
    errors.WebhookHostUnknown: {"host": "till.example"},
    errors.WebhookAddressRefused: {"host": "10.0.0.7"},
    errors.TooManyWebhooks: {"limit": 5},
    errors.DuplicateWebhook: {"url": "https://till.example/hook"},
    errors.WebhookNotFound: {"number": 3},
    errors.WebhookRemoved: {},
    errors.WebhookNotDisabled: {"url": "https://till.example/hooks"},
    errors.ReceiptNotFound: {"receipt": "R-0001"},
    errors.ReceiptRefunded: {"receipt": "R-0001"},
    errors.ReceiptOfOtherStore: {"receipt": "R-0001", "store_name": "Gare"},
    errors.InvalidCursor: {},
}


def all_subclasses(cls: type[errors.DomainError]) -> set[type[errors.DomainError]]:
    found: set[type[errors.DomainError]] = set()
    for sub in cls.__subclasses__():
        found |= {sub} | all_subclasses(sub)
    return found


def test_every_domain_error_has_a_sample() -> None:
    defined = {
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, errors.DomainError)
    } - {errors.DomainError}
    assert defined == set(SAMPLES)
    # The classes live in the modules of domain/errors/ (re-exported by the package).
    in_package = {
        c
        for c in all_subclasses(errors.DomainError)
        if c.__module__.startswith(errors.__name__ + ".")
    }
    assert in_package == set(SAMPLES)


@pytest.mark.parametrize(
    ("cls", "values"), SAMPLES.items(), ids=lambda x: getattr(x, "__name__", "")
)
def test_error_carries_its_fields_and_names_them(
    cls: type[errors.DomainError], values: dict[str, object]
) -> None:
    err = cls(**values)
    assert isinstance(err, errors.DomainError)
    assert isinstance(err, Exception)
    for name, value in values.items():
        assert getattr(err, name) == value
    text = str(err)
    assert text.startswith(cls.__name__ + "(")
    assert text.endswith(")")
    for name, value in values.items():
        assert f"{name}={value!r}" in text
    if not values:
        assert text == f"{cls.__name__}()"
    with pytest.raises(cls):
        raise err


@pytest.mark.parametrize("cls", [c for c, v in SAMPLES.items() if v])
def test_error_fields_are_exactly_the_sample_fields(cls: type[errors.DomainError]) -> None:
    assert dataclasses.is_dataclass(cls)
    assert {f.name for f in dataclasses.fields(cls)} == set(SAMPLES[cls])


def test_invalid_setting_value_defaults_describe_nothing() -> None:
    err = errors.InvalidSettingValue(key="type", value="x", choices=("stamps", "points", "hybrid"))
    described = (err.minimum, err.maximum, err.max_length, err.example, err.unit)
    assert described == (None, None, None, None, None)
    assert str(err) == (
        "InvalidSettingValue(key='type', value='x', choices=('stamps', 'points', 'hybrid'), "
        "minimum=None, maximum=None, max_length=None, example=None, unit=None)"
    )


def test_errors_compare_by_identity() -> None:
    # eq=False: two refusals with the same fields are still distinct exceptions (and hashable).
    a, b = errors.CooldownActive(minutes_left=3), errors.CooldownActive(minutes_left=3)
    assert a != b
    assert len({a, b}) == 2
