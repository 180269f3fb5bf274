"""All extensions load together, no two commands share a name, and reloading any one of them
keeps every command (the /mod group's subcommands come from two extensions)."""

from collections import Counter

from discord import app_commands

from bot.app import extension_names

SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2  # option types that are commands, not arguments


def synced_names(emu) -> set[tuple[int, str]]:
    """Every command Discord (the emulator) holds for the guild, subcommands by full name."""
    names: set[tuple[int, str]] = set()

    def walk(kind: int, prefix: str, options: list[dict]) -> None:
        for option in options:
            if option["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP):
                name = f"{prefix} {option['name']}"
                names.add((kind, name))
                walk(kind, name, option.get("options", []))

    for command in emu.world.commands[emu.world.guild["id"]]:
        kind = command.get("type", 1)
        names.add((kind, command["name"]))
        walk(kind, command["name"], command.get("options", []))
    return names


def registered_names(bot) -> set[tuple[int, str]]:
    """The same from the bot's own command tree (before any sync)."""
    names = {(1, command.qualified_name) for command in bot.tree.walk_commands()}
    for menu in bot.tree.get_commands(type=None):
        if isinstance(menu, app_commands.ContextMenu):
            names.add((menu.type.value, menu.name))
    return names


async def test_all_extensions_loaded_and_command_names_unique(emu, bot):
    assert sorted(bot.extensions) == extension_names()
    synced = emu.world.commands[emu.world.guild["id"]]
    names = Counter((c["type"], c["name"]) for c in synced)
    assert [name for name, count in names.items() if count > 1] == []
    for command in synced:
        assert command["type"] != 1 or command["description"], f"/{command['name']} has no help"


async def test_reloading_any_extension_keeps_every_command(emu, bot):
    before = synced_names(emu)
    assert {(1, "mod ban"), (1, "mod screening status"), (1, "mod queue")} <= before
    assert registered_names(bot) == before
    for name in extension_names():
        await bot.reload_extension(name)
        assert registered_names(bot) == before, f"reloading {name} changed the command tree"
        await bot.sync_commands()
        assert synced_names(emu) == before, f"reloading {name} changed the synced commands"
    assert sorted(bot.extensions) == extension_names()


async def test_the_mod_group_does_not_depend_on_load_order(emu, bot):
    before = synced_names(emu)
    await bot.unload_extension("cogs.moderation")
    await bot.unload_extension("cogs.screening")
    assert bot.tree.get_command("mod") is None  # an empty group leaves the tree
    await bot.load_extension("cogs.screening")  # screening first: it creates /mod
    assert {name for _, name in registered_names(bot)} >= {"mod queue", "mod screening status"}
    await bot.load_extension("cogs.moderation")
    assert registered_names(bot) == before
    await bot.sync_commands()
    assert synced_names(emu) == before
