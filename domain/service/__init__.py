"""The use cases, one transaction each, grouped by who uses them."""

from __future__ import annotations

from domain.clock import Clock, SystemClock
from domain.db.uow import Database
from domain.service.counter import CounterService
from domain.service.customers import CustomerService
from domain.service.inbox import InboxService
from domain.service.maintenance import MaintenanceService
from domain.service.merchants import MerchantService
from domain.service.reports import ReportService
from domain.service.staff import StaffService
from domain.service.wallet import (
    BadRegistration,
    BadUpdateTag,
    PassChange,
    PassNotAuthorised,
    TooManyDevices,
    UpdatedPasses,
    WalletCard,
    WalletError,
    WalletService,
    looks_like_device_id,
    open_wallet,
)


class LoyaltyService:
    """Every use case of the domain, sharing one database and one clock."""

    def __init__(self, database: Database, clock: Clock | None = None) -> None:
        self.database = database
        self.clock: Clock = clock or SystemClock()
        self.counter = CounterService(database, self.clock)
        self.customers = CustomerService(database, self.clock)
        self.merchants = MerchantService(database, self.clock)
        self.staff = StaffService(database, self.clock)
        self.maintenance = MaintenanceService(database, self.clock)
        self.reports = ReportService(database, self.clock)
        self.inbox = InboxService(database, self.clock)
        self.wallet = WalletService(database, self.clock)


__all__ = [
    "BadRegistration",
    "BadUpdateTag",
    "LoyaltyService",
    "PassChange",
    "PassNotAuthorised",
    "TooManyDevices",
    "UpdatedPasses",
    "WalletCard",
    "WalletError",
    "looks_like_device_id",
    "open_wallet",
]
