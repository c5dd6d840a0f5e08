"""The Telegram layer: handlers, texts, keyboards and the application that wires them."""
