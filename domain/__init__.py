"""The card domain: loyalty rules, use cases and persistence. Knows nothing of Telegram."""
