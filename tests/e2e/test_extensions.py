"""All extensions load together, and no two commands share a name."""

from collections import Counter

from bot.app import extension_names


async def test_all_extensions_loaded_and_command_names_unique(emu, bot):
    assert sorted(bot.extensions) == extension_names()
    synced = emu.world.commands[emu.world.guild["id"]]
    names = Counter((c["type"], c["name"]) for c in synced)
    assert [name for name, count in names.items() if count > 1] == []
    for command in synced:
        assert command["type"] != 1 or command["description"], f"/{command['name']} has no help"
