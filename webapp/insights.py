"""The owner's Insights page in the Mini App: whether customers come back (PRODUCT.md §11).

The same figures as the chat's /insights (domain/service/insights.py computes them once), laid
out for a phone: one tile per figure with a line on what it counts, the return by first month
as bars drawn in the café's colour by the page itself (crisp at any width, no picture to make),
then the figures per store and the staff's activity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.texts import insights as insight_texts
from webapp import bodies
from webapp.requests import json_answer

if TYPE_CHECKING:
    from webapp.screen import Endpoint, Person, ScreenHost


class InsightsScreen:
    def __init__(self, app: ScreenHost) -> None:
        self._app = app

    def endpoints(self) -> dict[str, Endpoint]:
        return {"insights": (self.insights, bodies.Empty)}

    async def insights(self, person: Person, _: bodies.Empty) -> Response:
        t = person.t
        found = await self._app.service.insights.for_owner(person.user_id)
        html = self._app.render(
            "insights.html",
            person,
            title=found.merchant_name,
            figures=insight_texts.insight_figures(t, found),
            cohort_title=insight_texts.cohort_title(t),
            cohort_caption=insight_texts.insights_caption(t),
            cohort_labels=insight_texts.cohort_labels(t),
            cohorts=insight_texts.cohort_rows(t, found),
            stores=[
                (name, insight_texts.store_line(t, figures)) for name, figures in found.per_store
            ],
            staff=[
                (a.name, insight_texts.staff_line(t, a.operations, a.customers))
                for a in found.staff
            ],
            per_store_title=insight_texts.per_store_title(t),
            staff_title=insight_texts.staff_title(t),
        )
        return json_answer({"ok": True, "html": html})
