"""filmbot: a Discord bot for film communities. The core (this package) never imports discord,
except the process wiring (`bot.app`, `bot.__main__`, `bot.cli`) and the local emulator (`bot.sandbox`)."""

__version__ = "0.1.0"
