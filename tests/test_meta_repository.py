from storage.meta import ErrorReportRepository, MetaRepository


async def test_meta_values_are_stored_and_replaced(db):
    meta = MetaRepository(db)
    assert await meta.get("k") is None
    await meta.set("k", "one")
    await meta.set("k", "two")
    assert await meta.get("k") == "two"


async def test_error_reports_are_kept_by_id(db):
    errors = ErrorReportRepository(db)
    await errors.add("abcd1234", "ValueError: boom", guild_id=1, user_id=2, command="about")
    report = await errors.get("abcd1234")
    assert report is not None
    assert (report.summary, report.guild_id, report.user_id, report.command) == (
        "ValueError: boom",
        1,
        2,
        "about",
    )
    assert await errors.get("missing") is None
