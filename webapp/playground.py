"""The Mini App in `python -m bot playground`: served on localhost, with a simulated
Telegram.WebApp whose initData is signed for the person being played (`?as=owner`) and whose
scanner offers the cards the playground's customers hold."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute

from bot.context import LoyaltyApplication
from bot.links import LinkKind, deep_link
from domain.model import UserProfile
from webapp import WebAppConfig, mount_for
from webapp.initdata import signed_for

# PLAYGROUND_WEB_PORT chooses the port; by default any free one (the address is printed).
PORT_VARIABLE = "PLAYGROUND_WEB_PORT"


@asynccontextmanager
async def serve_playground(
    application: LoyaltyApplication,
    token: str,
    people: Mapping[str, UserProfile],
    routes: Sequence[BaseRoute] = (),
) -> AsyncIterator[str]:
    """Serve the Mini App on 127.0.0.1, with `routes` beside it (the API, the playground's
    webhook receiver); yields its address (add ?as=<role>)."""
    port = int(os.environ.get(PORT_VARIABLE) or 0)

    async def simulator(request: Request) -> str:
        service = application.bot_data.runtime.service
        role = request.query_params.get("as", "")
        person = people.get(role) or next(iter(people.values()))
        cards = []
        for someone in people.values():
            for card in await service.customers.cards(someone.user_id):
                username = application.bot_data.runtime.bots.username_for(card.merchant_id)
                link = deep_link(username, LinkKind.CARD, card.qr_token)
                label = f"{someone.first_name} · {card.merchant_name} · {card.display_number}"
                cards.append({"label": label, "link": link})
        config = {
            "initData": signed_for(
                person.user_id,
                token,
                now=service.clock.now(),
                first_name=person.first_name or "",
                username=person.username,
                language_code=person.telegram_language,
            ),
            "theme": request.query_params.get("theme", "light"),
            "cards": cards,
        }
        data = json.dumps(config).replace("</", "<\\/")
        # A data block, not a script: the page runs scripts of this app's files only.
        return (
            f'<script type="application/json" id="simulator-config">{data}</script>\n'
            '<script src="/app/static/simulator.js"></script>'
        )

    config = WebAppConfig(token=token, simulator=simulator)
    app = Starlette(routes=[mount_for(application, config), *routes])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # the port is taken, say: the error stops the playground
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{bound}/app/"
    finally:
        server.should_exit = True
        await task
