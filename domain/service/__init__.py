"""The use cases, one transaction each, grouped by who uses them."""

from __future__ import annotations

from domain.clock import Clock, SystemClock
from domain.db.effect_log import EffectLog, NoEffects
from domain.db.uow import Database, commit_attempted
from domain.service.apikeys import ApiKeyService
from domain.service.bonuses import BirthdayView, BonusService
from domain.service.brand import BrandPart, BrandService
from domain.service.consent import (
    ALMOST,
    WINBACK,
    BringBackMessage,
    ConsentQuestion,
    ConsentService,
    MerchantChoice,
)
from domain.service.counter import CounterService
from domain.service.customers import CustomerService
from domain.service.insights import InsightsService
from domain.service.maintenance import MaintenanceService
from domain.service.merchants import MerchantService
from domain.service.offers import (
    OfferCopy,
    OfferDraft,
    OfferFigures,
    OfferPreview,
    OfferService,
)
from domain.service.operations_feed import OperationsFeedService
from domain.service.own_bot import OwnBotGreeting, OwnBotOwner, OwnBotProfile, OwnBotService
from domain.service.refunds import RefundService
from domain.service.reports import ReportService
from domain.service.rewards import Ladder, LadderChange, RewardService
from domain.service.staff import StaffService
from domain.service.stores_of_day import StoresOfDayService
from domain.service.summaries import SummaryService
from domain.service.wallet import BrandedPassesChange, WalletCard, WalletService
from domain.service.webhooks import Resolver, WebhookService
from domain.store_of_day import StoreChoice, StoresOfDay


class LoyaltyService:
    """Every use case of the domain, sharing one database and one clock."""

    def __init__(
        self, database: Database, clock: Clock | None = None, effects: EffectLog | None = None
    ) -> None:
        """`effects`: where use cases record what must happen after their commit (the bot's
        outbox); without one, effects are dropped (tools and tests that deliver nothing)."""
        self.database = database
        self.clock: Clock = clock or SystemClock()
        log: EffectLog = effects or NoEffects()
        self.counter = CounterService(database, self.clock, log)
        self.customers = CustomerService(database, self.clock, log)
        self.merchants = MerchantService(database, self.clock, log)
        self.staff = StaffService(database, self.clock, log)
        self.maintenance = MaintenanceService(database, self.clock, log)
        self.reports = ReportService(database, self.clock, log)
        self.summaries = SummaryService(database, self.clock, log)
        self.rewards = RewardService(database, self.clock, log)
        self.wallet = WalletService(database, self.clock, log)
        self.bonuses = BonusService(database, self.clock, log)
        self.consent = ConsentService(database, self.clock, log)
        self.offers = OfferService(database, self.clock, log)
        self.own_bot = OwnBotService(database, self.clock, log)
        self.brand = BrandService(database, self.clock, log)
        self.insights = InsightsService(database, self.clock, log)
        self.api_keys = ApiKeyService(database, self.clock, log)
        self.stores_of_day = StoresOfDayService(database, self.clock, log)
        self.refunds = RefundService(database, self.clock, log)
        self.operations_feed = OperationsFeedService(database, self.clock, log)
        self.webhooks = WebhookService(database, self.clock, log)


__all__ = [
    "ALMOST",
    "WINBACK",
    "BirthdayView",
    "BrandPart",
    "BrandedPassesChange",
    "BringBackMessage",
    "ConsentQuestion",
    "CounterService",
    "Ladder",
    "LadderChange",
    "LoyaltyService",
    "MerchantChoice",
    "OfferCopy",
    "OfferDraft",
    "OfferFigures",
    "OfferPreview",
    "OwnBotGreeting",
    "OwnBotOwner",
    "OwnBotProfile",
    "Resolver",
    "StoreChoice",
    "StoresOfDay",
    "WalletCard",
    "commit_attempted",
]
