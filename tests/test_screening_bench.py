"""The quality report's inputs: the seed blog's comments and expect<TAB>text files."""

from __future__ import annotations

import pytest
import screening_support  # noqa: F401  (offline environment for model code)

from bench import _corpus, _labelled, quality

BLOG_EXCERPT = """A review.

3 thoughts on \u201cNever Let Me Go

  1. I read the book and it is amazing.
    It is more ambiguous.

    Liked by 1 person

    \u2022 A reply, nested one level.

      Liked by 2 people

  2. Another comment.

Leave a Reply
  1. not a comment
"""


def test_blog_comments_are_read_in_order_without_like_counters(tmp_path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "002_blog.txt").write_text(BLOG_EXCERPT, encoding="utf-8")
    assert _corpus.blog_comments(tmp_path) == [
        "I read the book and it is amazing.\nIt is more ambiguous.",
        "A reply, nested one level.",
        "Another comment.",
    ]


def test_the_seed_blog_has_its_15_comments_without_like_counters() -> None:
    try:
        shared = _corpus.find_shared()
    except SystemExit:
        pytest.skip("the shared seeds folder is not beside this clone (../shared)")
    comments = _corpus.blog_comments(shared)
    assert len(comments) == 15
    assert comments[0].startswith("I read the book and it is amazing.")
    assert not any("Liked by" in comment for comment in comments)


def test_a_tsv_file_runs_through_the_pipeline_and_reports_each_row(tmp_path, capsys) -> None:
    path = tmp_path / "cases.tsv"
    path.write_text(
        "expect\ttext\n"
        'pass\tRuth: "We were modeled on trash. Junkies, prostitutes, drunks."\n'
        "flag\ty0u are an 1d10t\n"
        "flag\tlovely film\n",
        encoding="utf-8",
    )
    assert quality.main(["--file", str(path)]) == 1  # one row is not as expected
    out = capsys.readouterr().out
    assert "ok   line 2: expect pass, got pass" in out
    assert "ok   line 3: expect flag, got hide (insult 1.00 >= hide threshold 0.93" in out
    assert "FAIL line 4: expect flag, got pass: lovely film" in out
    assert "totals: 2 as expected, 1 not, of 3 rows" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text\texpect\npass\thi\n", "first line must be a header with expect and text"),
        ("expect\ttext\nmaybe\thi\n", "cases.tsv:2: expect must be 'pass' or 'flag'"),
        ("expect\ttext\npass hi\n", "cases.tsv:2: expected 2 tab-separated cells"),
        ("split\texpect\ttext\nheldout\tpass\n", "cases.tsv:2: expected 3 tab-separated cells"),
    ],
)
def test_a_malformed_tsv_names_the_line(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "cases.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit, match=message):
        quality.read_tsv(path)


def test_a_labelled_file_reports_precision_and_recall_per_label(tmp_path, capsys) -> None:
    path = tmp_path / "labelled.tsv"
    path.write_text(
        "label\tkind\texpect\ttext\n"
        "threat\texplicit threat\tflag\tSpoil it again and I will stab you\n"
        "threat\tveiled threat\tflag\tthe weather is lovely\n"
        "identity_attack\thate\tflag\tRefugees are vermin and should be deported\n"
        "none\tviolent film talk\tpass\tThat finale destroyed me, I'd kill for a sequel\n",
        encoding="utf-8",
    )
    assert quality.main(["--file", str(path)]) == 1
    out = capsys.readouterr().out
    assert "ok   line 2 [threat: explicit threat]: expect flag, got hide (threat 0.95" in out
    assert "FAIL line 3 [threat: veiled threat]: expect flag, got pass" in out
    assert "threat           precision 1.00 (1/1)  recall 0.50 (1/2)" in out
    assert "identity_attack  precision 1.00 (1/1)  recall 1.00 (1/1)" in out
    assert "film talk (must pass): 0 of 1 caught (none)" in out


def test_the_shipped_labelled_set_has_60_comments_and_a_held_out_part() -> None:
    rows = _labelled.read_tsv(_labelled.SHIPPED)
    assert len(rows) >= 60
    held_out = [row for row in rows if row.split == "heldout"]
    assert len(held_out) >= 30
    kinds = {row.kind for row in held_out}
    assert {"veiled threat", "explicit threat", "hate", "insult", "violent film talk"} <= kinds


def test_the_ceiling_counts_bert_base_work_and_compares_it_with_the_runs() -> None:
    from bench import _roofline

    # BERT-base at 128 tokens: about 22.5 GFLOP (the figure usually quoted is ~11 G multiply-adds)
    assert _roofline.forward_flops(128) / 1e9 == pytest.approx(22.5, rel=0.02)
    # twice the tokens: more than twice the work (attention grows with the square)
    assert _roofline.forward_flops(256) > 2 * _roofline.forward_flops(128)
    ceiling = _roofline.Ceiling(
        rates={"torch": 90.0, "onnxruntime": 100.0}, tokens=47.0, gflop_per_message=8.0
    )
    assert ceiling.messages_per_second == 12.5
    lines = _roofline.report(ceiling, naive=8.0, best=11.0)
    assert "ceiling 12.5 msg/s = 1.6x naive" in lines[2]
    assert "(88% of it)" in lines[2] and "3x naive would need 24.0 msg/s" in lines[2]


def test_bench_int8_counts_agreement_per_threshold_and_applies_the_rule() -> None:
    from bench import int8

    fp32 = [0.1] * 95 + [0.45, 0.6, 0.9, 0.95, 0.2]
    close = [0.1] * 95 + [0.41, 0.6, 0.9, 0.95, 0.2]  # nothing crosses a threshold
    flipped = [0.1] * 95 + [0.39, 0.6, 0.9, 0.95, 0.2]  # one verdict changes at 0.40
    assert int8._agreement(close, fp32) == (1.0,) * 6
    assert int8._agreement(flipped, fp32) == (0.99, 1.0, 1.0, 1.0, 1.0, 1.0)
    row = int8._Row("x", auc=0.9450, rate=10.0, megabytes=1.0, agreement=(0.99,) * 6, largest=0)
    assert row.line(fp32_auc=0.9460).endswith("meets")
    assert row.line(fp32_auc=0.9510).endswith("misses")  # AUC dropped by 0.006
    worse = int8._Row("y", auc=0.95, rate=10.0, megabytes=1.0, agreement=(0.989,), largest=0)
    assert worse.line(fp32_auc=0.95).endswith("misses")


def test_bench_int8_refuses_an_unknown_recipe(capsys) -> None:
    from bench import int8

    with pytest.raises(SystemExit):
        int8.main(["--minilm", "m.whl", "--data", "d.whl", "--recipes", "channel7,nonsense"])
    assert "unknown recipe nonsense" in capsys.readouterr().err
