"""An in-process fake Discord that the unmodified discord.py client connects to.

async with Emulator() as emu, emu_bot(emu) as bot:
    await emu.post("Alice", "general", "hello")
    record = await emu.slash("Alice", "about")
    print(await record.text())
"""

from bot.sandbox.emulator.interactions import InteractionRecord, component_ids, message_text
from bot.sandbox.emulator.server import BOT_TOKEN, Emulator
from bot.sandbox.emulator.world import World

__all__ = ["BOT_TOKEN", "Emulator", "InteractionRecord", "World", "component_ids", "message_text"]
