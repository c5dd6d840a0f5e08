"""The bot's flows, one module each: the counter, enrolment, the customer's card, setup and
stores, staff and invites, the programme, reports, privacy and language.

A feature module owns its commands, its buttons (typed callback data) and its pending steps,
and declares them in a `FEATURE`; bot/routing.py assembles them into one command table. Feature
modules never import each other: what they share is in `common`.
"""
