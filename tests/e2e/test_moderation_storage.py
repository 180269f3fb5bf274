"""When the database cannot be written (disk full, read-only), the moderator is told what is
wrong, it is logged and shown in /about, and no Discord action is taken whose record cannot be
kept (issue 12, D2). Real SQLite refusals: a size-capped file, SQLite's read-only switch."""

from __future__ import annotations

from storage_support import fill_the_disk, free_the_disk, make_read_only

from tests.e2e._moderation import all_cases, confirm

FULL = "The database cannot be written: disk full. Nothing was done"
READ_ONLY = "The database cannot be written: the database is read-only. Nothing was done"


async def test_a_warn_that_cannot_be_recorded_is_not_sent(emu, bot, error_log):
    await fill_the_disk(bot.services.conn)
    error_log.expect("the database cannot be written: disk full")
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="Spoiled the ending")
    assert (await record.text()).startswith(FULL)
    assert await record.is_ephemeral()
    assert emu.dms("Bob") == [] and await all_cases(bot) == []
    about = await (await emu.slash("Alice", "about")).text()
    assert "cannot be written since" in about and "disk full" in about

    await free_the_disk(bot.services.conn)
    record = await emu.slash("Mona", "mod warn", member="Bob", reason="Spoiled the ending")
    assert await record.text() == "Case #1: **Bob** was warned. They were told by DM."
    assert len(emu.dms("Bob")) == 1
    assert "cannot be written" not in await (await emu.slash("Alice", "about")).text()


async def test_no_ban_when_the_database_is_read_only(emu, bot, error_log):
    record = await emu.slash("Mona", "mod ban", member="Bob", reason="raid")
    prompt = await record.reply()
    await make_read_only(bot.services.conn)
    click = await confirm(emu, "Mona", record, "Ban")
    await click.wait(lambda r: emu.world.find_message(prompt["id"])["components"] == [])
    error_log.expect("the database cannot be written: the database is read-only")
    answer = emu.world.find_message(prompt["id"])["content"]
    assert answer.startswith(READ_ONLY)
    assert emu.world.bans == {} and emu.dms("Bob") == []
    await make_read_only(bot.services.conn, False)
    assert await all_cases(bot) == []


async def test_the_error_handler_answers_when_its_own_record_fails(
    emu, bot, error_log, monkeypatch
):
    async def broken(*args, **kwargs):
        raise RuntimeError("the history index is corrupt")

    monkeypatch.setattr(bot.services.moderation, "history", broken)
    await make_read_only(bot.services.conn)
    record = await emu.slash("Mona", "mod history", member="Bob")
    text = await record.text()
    assert text.startswith("Something went wrong on our side. Tell a moderator this error id:")
    assert (
        "The database cannot be written: the database is read-only, so only the bot's log" in text
    )
    error_id = text.split("`")[1]
    error_log.expect(f"error {error_id} in mod history")
    error_log.expect(f"error {error_id} could not be recorded")
    error_log.expect("the database cannot be written: the database is read-only")
    await make_read_only(bot.services.conn, False)
