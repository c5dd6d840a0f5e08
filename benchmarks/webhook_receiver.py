"""`python -m benchmarks.webhook_receiver PORT`: a till's webhook receiver for the API benchmark,
in a process of its own so that it takes no CPU from the load generator.

POST /hook notes each event (its id, type, receipt and when it arrived, wall clock) and answers
204; GET /received hands the notes over and forgets them.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_received: list[dict[str, Any]] = []


async def hook(request: Request) -> Response:
    event = json.loads(await request.body())
    data = event.get("data") or {}
    _received.append(
        {
            "id": event["id"],
            "type": event["type"],
            "receipt": data.get("receipt"),
            "at": time.time(),
        }
    )
    return Response(status_code=204)


async def received(_: Request) -> Response:
    notes = list(_received)
    del _received[: len(notes)]
    return JSONResponse(notes)


app = Starlette(
    routes=[Route("/hook", hook, methods=["POST"]), Route("/received", received, methods=["GET"])]
)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
