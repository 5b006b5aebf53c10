"""Sample logs and plans that tell each persona's twelve-week story, to try the app before committing."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_core.messages import DEFAULT_LANG
from kpi_core.personas import default_catalog
from kpi_core.plan import Plan, ValueStatement, default_plan

DEMO_START = dt.date(2026, 1, 5)  # a Monday: week 1 of every demo
DEMO_SOURCE = "demo"
DEMO_WEEKS = 12  # the method's cycle before judging
FIRST_DATA_ROW = 2  # spreadsheet row of the first entry (the header is row 1), as the reader numbers rows
CORE_COUNTS = ("inquiries", "consultations", "repeat_consultations", "referrals", "thanks")


@dataclass
class _Entry:
    """One log line before it becomes a row: day 0 = the week's Monday."""

    day: int
    action: str
    minutes: float
    reactions: int
    quality: int
    counts: dict[str, int] = field(default_factory=dict)  # core counts default to 0, persona counts to blank
    memo: str = ""


@dataclass(frozen=True)
class _Week:
    """Where a week sits in the story."""

    number: int  # 1-based
    weeks: int
    rng: np.random.Generator

    @property
    def progress(self) -> float:
        """0.0 in the first week, 1.0 in the last."""
        return (self.number - 1) / max(1, self.weeks - 1)

    @property
    def switch(self) -> int:
        """The last week of the old habits: week 4 of 12 (the first third)."""
        return max(1, self.weeks // 3)

    @property
    def early(self) -> bool:
        return self.number <= self.switch

    def minutes(self, mean: float, spread: float) -> float:
        """Minutes rounded to 5, as people write them, never under 5."""
        return float(max(5, 5 * round(self.rng.normal(mean, spread) / 5)))

    def quality(self, mean: float) -> int:
        return int(np.clip(round(self.rng.normal(mean, 0.5)), 1, 5))

    def count(self, mean: float) -> int:
        return int(self.rng.poisson(max(mean, 0.0)))

    def days(self, n: int) -> list[int]:
        """n different days of the week, in order."""
        return sorted(int(d) for d in self.rng.choice(7, size=min(n, 7), replace=False))


def _spread(week: _Week, entries: list[_Entry], column: str, total: int) -> None:
    """Add `total` to `column` over randomly chosen entries (one entry may get several)."""
    for i in week.rng.choice(len(entries), size=total, replace=True) if entries and total else ():
        entries[int(i)].counts[column] = entries[int(i)].counts.get(column, 0) + 1


# ---------------------------------------------------------------- the four stories


def _office_worker(week: _Week) -> list[_Entry]:
    """Daily posts and long reply sessions, then three careful posts a week: fewer minutes per inquiry."""
    if week.early:
        titles = ["朝の投稿", "ノウハウ投稿", "通勤中に投稿"]
        posts = [_Entry(day, titles[int(week.rng.integers(len(titles)))], week.minutes(30, 6),
                        week.count(22), week.quality(2.4), {"deep_questions": 0}) for day in range(7)]
        replies = [_Entry(day, "リプ返し・交流", week.minutes(60, 12), week.count(15), week.quality(2.0))
                   for day in week.days(5)]
        if week.number % 2 == 0:  # an inquiry every other week, despite all those minutes
            _spread(week, posts, "inquiries", 1)
        if week.number == 1:
            posts[0].memo = "毎日投稿をスタート。フォロワーを増やしたい"
        if week.number == week.switch:
            replies[-1].memo = "夜中までリプ返し。いいねは増えたが相談はゼロ、疲れた"
        return posts + replies
    posts = [_Entry(day, "ノウハウ投稿(Excel時短)", week.minutes(70, 10), week.count(12), week.quality(4.4),
                    {"deep_questions": week.count(0.8 + 1.5 * week.progress)}) for day in (1, 3, 5)]
    dms = [_Entry(day, "DM対応(質問への回答)", week.minutes(15, 4), week.count(2), week.quality(4.0),
                  {"thanks": week.count(0.3 + 1.2 * week.progress)}) for day in (2, 4)]
    _spread(week, posts, "inquiries", 1 if week.progress < 0.5 else 2 if week.progress < 0.8 else 3)
    entries = posts + dms
    if week.number == week.switch + 1:
        posts[0].memo = "週3回、一人に向けて丁寧に書く投稿に切り替え"
    if week.number in (week.switch + 3, week.switch + 7):  # about one consultation a month
        repeat = week.number > week.switch + 3
        consult = _Entry(6, "個別相談(オンライン60分)", 60.0, 0, 5,
                         {"consultations": 1, "repeat_consultations": int(repeat), "thanks": 1, "income": 8000})
        consult.memo = ("2回目の相談。前回の方法で「結果が出た」とのこと" if repeat
                        else "「長年の悩みが解決しました」と言ってもらえた")
        entries.append(consult)
    if week.number == week.weeks:
        posts[-1].counts["referrals"] = 1
        posts[-1].memo = "相談者さんの紹介で問い合わせが届いた"
    if week.number == week.weeks - 2:
        dms[0].memo = "「教わった関数で行動を起こせた」とお礼のDM"
    return entries


def _homemaker(week: _Week) -> list[_Entry]:
    """Short sessions in spare moments; conversations, "I tried it" reports and thanks grow."""
    p = week.progress
    posts = [_Entry(day, "すきま時間に投稿", week.minutes(10, 3), week.count(3 + 6 * p), week.quality(3 + 1.2 * p),
                    {"practice_reports": 0 if week.early else week.count(0.2 + 0.8 * p)})
             for day in week.days(3 if week.early else 4)]
    replies = [_Entry(day, "コメント返信", week.minutes(8, 3), week.count(1), week.quality(3.5),
                      {"conversations": week.count(0.3 + 1.4 * p), "thanks": week.count(0.1 + 1.2 * p)})
               for day in week.days(4 if week.early else 5)]
    prep = [_Entry(day, "下書き・準備", week.minutes(10, 3), 0, 3) for day in week.days(2)]
    entries = posts + replies + prep
    if not week.early and week.number % 3 == 0:
        stories = _Entry(5, "ストーリーズ", week.minutes(5, 1), week.count(4 + 4 * p), 4,
                         {"practice_reports": 0})
        entries.append(stories)
    if week.number >= week.weeks * 2 // 3 and week.number % 2 == 0:
        _spread(week, posts, "inquiries", 1)
        posts[-1].counts["income"] = 3000  # one seat of the online course
    if week.number == 1:
        prep[0].memo = "子どもの昼寝中に5分だけ"
    if week.number == week.switch + 2:
        posts[0].counts["practice_reports"] = posts[0].counts.get("practice_reports", 0) + 1
        posts[0].memo = "「やってみたら朝の支度が10分早く終わった」と実践報告"
    if week.number == week.weeks - 2:
        posts[-1].memo = "「読んで行動を起こせた」と、作り置きの写真つきで報告"
    if week.number >= week.switch + 4 and week.number % 2 == 1:
        replies[0].memo = "「夕飯作りの悩みが解決した」とコメントをもらった"
    if week.number == week.weeks:
        replies[-1].memo = "ママ友に紹介してくれたそう。「本当にうまくいきました」とお礼"
        replies[-1].counts["referrals"] = 1
    return entries


def _student(week: _Week) -> list[_Entry]:
    """Learning in public: live learning reports, then failure stories; peers start asking for advice."""
    p = week.progress
    learning = [_Entry(day, "Webデザインの学習", week.minutes(60, 15), 0, week.quality(3.5)) for day in week.days(4)]
    reports = [_Entry(day, "学習実況の投稿", week.minutes(20, 5), week.count(5 + 6 * p), week.quality(3.2 + p),
                      {"learning_reports": 1, "failure_shares": 0, "peer_advice_requests": 0})
               for day in week.days(2 if week.early else 3)]
    entries = learning + reports
    if not week.early:
        failure = _Entry(int(week.rng.integers(7)), "失敗談の投稿", week.minutes(30, 5), week.count(10 + 8 * p),
                         week.quality(4.2), {"learning_reports": 0, "failure_shares": 1})
        failure.memo = "初めてのコンペで落選した話を正直に書いた" if week.number == week.switch + 1 else ""
        entries.append(failure)
    advice = [_Entry(day, "後輩の相談にのる", week.minutes(20, 5), 0, week.quality(4.3),
                     {"peer_advice_requests": 1, "thanks": week.count(0.6)}) for day in week.days(round(3 * p))]
    entries += advice
    if advice and week.number % 3 == 0:
        advice[0].memo = "「真似したら行動を起こせた」と言われた"
    if week.number >= week.weeks - 2 and week.number % 2 == 0:
        _spread(week, reports, "inquiries", 1)
        reports[0].memo = "ポートフォリオを見た方から制作の問い合わせ"
        reports[0].counts["income"] = 10000 if week.number == week.weeks else 5000  # banner work
    return entries


def _freelancer(week: _Week) -> list[_Entry]:
    """From announcing services to case studies: client results and industry referrals follow."""
    p = week.progress
    client = _Entry(int(week.rng.integers(5)), "クライアント定例", week.minutes(60, 10), 0, week.quality(3.8),
                    # Client results grow once the posts show them: one a week, then two from mid-cycle.
                    {"client_results": int(week.number == week.switch - 1) if week.early else 1 + int(p >= 0.5),
                     "thanks": week.count(0.2 + 0.8 * p)})
    if week.early:
        ads = [_Entry(day, "サービス告知の投稿", week.minutes(30, 5), week.count(4), week.quality(2.3),
                      {"industry_referrals": 0}) for day in week.days(3)]
        tips = [_Entry(int(week.rng.integers(7)), "ノウハウ投稿", week.minutes(40, 5), week.count(6), week.quality(3.0),
                       {"industry_referrals": 0})]
        if week.number == week.switch:
            ads[0].memo = "告知ばかりで反応が薄い。自分の宣伝になっている"
        entries = ads + tips + [client]
        _spread(week, ads, "inquiries", week.number % 2)
        return entries
    case = _Entry(int(week.rng.integers(5)), "事例紹介(EC売上改善)", week.minutes(90, 10), week.count(9 + 6 * p),
                  week.quality(4.6), {"industry_referrals": 1 if week.number % 2 == 1 and p > 0.5 else 0})
    tips = [_Entry(day, "ノウハウ投稿", week.minutes(45, 8), week.count(7 + 3 * p), week.quality(4.0),
                   {"industry_referrals": 0}) for day in week.days(2)]
    entries = [case, *tips, client]
    _spread(week, [case, *tips], "inquiries", 1 if p < 0.6 else 2)
    if week.number % 2 == 0:
        repeat = week.number >= week.switch + 6
        entries.append(_Entry(6, "個別相談", 60.0, 0, 5, {"consultations": 1, "repeat_consultations": int(repeat),
                                                        "referrals": int(week.number == week.weeks),
                                                        "income": 30000}))
    if case.counts["industry_referrals"]:
        case.memo = "同業の方が事例を引用してくれた"
    if client.counts["client_results"]:
        client.memo = "クライアントから「結果が出た」と報告(CVR 1.2%→2.0%)"
    if week.number == week.switch + 1:
        case.memo = "宣伝をやめ、クライアントの成果を数字で紹介する形に変更"
    return entries


# The stories are written in Japanese; an English sample says the same. Each action keeps its category and each
# memo its problem-solved signals (tests/test_demo.py checks both).
_LOG_EN = {
    "朝の投稿": "Morning post",
    "ノウハウ投稿": "How-to post",
    "通勤中に投稿": "Post on the commute",
    "リプ返し・交流": "Replies and chatting",
    "ノウハウ投稿(Excel時短)": "How-to post (Excel time-savers)",
    "DM対応(質問への回答)": "DM (answering a question)",
    "個別相談(オンライン60分)": "Consultation (online, 60 min)",
    "すきま時間に投稿": "Post in a spare moment",
    "コメント返信": "Reply to comments",
    "下書き・準備": "Drafting and planning",
    "ストーリーズ": "Stories",
    "Webデザインの学習": "Web design study",
    "学習実況の投稿": "Progress post (what I made this week)",
    "失敗談の投稿": "Post about a failure",
    "後輩の相談にのる": "Advice session for a junior",
    "クライアント定例": "Regular client check-in",
    "サービス告知の投稿": "Service announcement post",
    "事例紹介(EC売上改善)": "Case study (online shop sales)",
    "個別相談": "Consultation",
    "毎日投稿をスタート。フォロワーを増やしたい": "Started posting every day. I want more followers",
    "夜中までリプ返し。いいねは増えたが相談はゼロ、疲れた":
        "Replied until midnight. More likes, but not one consultation. Tired",
    "週3回、一人に向けて丁寧に書く投稿に切り替え": "Switched to 3 careful posts a week, written for one person",
    "2回目の相談。前回の方法で「結果が出た」とのこと": "Second consultation: they got results with last time's method",
    "「長年の悩みが解決しました」と言ってもらえた": "They told me: \"Problem solved, after years of trying\"",
    "相談者さんの紹介で問い合わせが届いた": "An inquiry came through a client's referral",
    "「教わった関数で行動を起こせた」とお礼のDM": "Thank-you DM: \"I took action with the formula you taught me\"",
    "子どもの昼寝中に5分だけ": "Just 5 minutes while the kids nap",
    "「やってみたら朝の支度が10分早く終わった」と実践報告":
        "Practice report: \"I tried it and was ready 10 minutes sooner\"",
    "「読んで行動を起こせた」と、作り置きの写真つきで報告":
        "Report with a photo of prepped meals: \"read it and took action\"",
    "「夕飯作りの悩みが解決した」とコメントをもらった": "A comment: \"my dinner problem solved\"",
    "ママ友に紹介してくれたそう。「本当にうまくいきました」とお礼":
        "She told a mom friend about me. Thanks: \"it worked\"",
    "初めてのコンペで落選した話を正直に書いた": "Wrote honestly about losing my first design contest",
    "「真似したら行動を起こせた」と言われた": "Told me: \"I copied you and took action\"",
    "ポートフォリオを見た方から制作の問い合わせ": "An inquiry for design work from someone who saw my portfolio",
    "告知ばかりで反応が薄い。自分の宣伝になっている": "All announcements, few reactions: it has become self-promotion",
    "同業の方が事例を引用してくれた": "A peer in the trade quoted my case study",
    "クライアントから「結果が出た」と報告(CVR 1.2%→2.0%)": "Client reported: \"we got results\" (CVR 1.2% → 2.0%)",
    "宣伝をやめ、クライアントの成果を数字で紹介する形に変更":
        "Stopped advertising: now showing clients' results in numbers",
}


def _written(text: str, lang: str) -> str:
    """A story's text in `lang` (Japanese as written; English from _LOG_EN)."""
    return _LOG_EN.get(text, text) if lang == "en" else text


_STORIES: dict[str, Callable[[_Week], list[_Entry]]] = {
    "office_worker": _office_worker, "homemaker": _homemaker, "student": _student, "freelancer": _freelancer,
}

DEMO_PERSONAS = tuple(_STORIES)


def _seed(persona_id: str, seed: int) -> np.random.Generator:
    # crc32, not hash(): Python salts str hashes per process, and the demo must repeat across runs.
    return np.random.default_rng([seed, zlib.crc32(persona_id.encode())])


def demo_log(persona_id: str, weeks: int = DEMO_WEEKS, seed: int = 0, start: dt.date | None = None,
             end: dt.date | None = None, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """`weeks` weeks of a persona's sample log in the canonical form (the reader's columns and dtypes).

    It begins on the Monday of `start`, or ends with the last week finished before `end` (so its last week can
    be reviewed on `end`), or begins on DEMO_START. Actions and memos are written in `lang`; the figures, the
    action categories and the problem-solved signals are the same in every language.
    """
    if persona_id not in _STORIES:
        raise ValueError(f"no demo for persona {persona_id!r}; demos: {', '.join(_STORIES)}")
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks!r}")
    catalog = default_catalog()
    persona = catalog.personas[persona_id]
    monday = _first_monday(start, end, weeks)
    rng = _seed(persona_id, seed)
    dated = []
    for number in range(1, weeks + 1):
        entries = _STORIES[persona_id](_Week(number, weeks, rng))
        # Stable sort by day: entries of one day keep the order the story wrote them in.
        for entry in sorted(entries, key=lambda e: e.day):
            dated.append((monday + dt.timedelta(days=7 * (number - 1) + entry.day), entry))
    dated.sort(key=lambda pair: pair[0])
    entries = [e for _, e in dated]
    frame = pd.DataFrame({
        "date": pd.Series(np.array([d for d, _ in dated], dtype="datetime64[D]").astype("datetime64[us]")),
        "action": pd.Series([_written(e.action, lang) for e in entries], dtype=object),
    })
    frame["category"] = pd.Series([catalog.category_of(a) for a in frame["action"]], dtype=object)
    frame["minutes"] = pd.Series([e.minutes for e in entries], dtype="float64")
    frame["reactions"] = pd.Series([e.reactions for e in entries], dtype="Int64")
    frame["quality"] = pd.Series([e.quality for e in entries], dtype="Int64")
    for column in CORE_COUNTS:
        frame[column] = pd.Series([e.counts.get(column, 0) for e in entries], dtype="Int64")
    frame["memo"] = pd.Series([_written(e.memo, lang) for e in entries], dtype=object)
    for column in persona.columns:
        frame[column.id] = pd.Series([e.counts.get(column.id) for e in entries], dtype="Int64")
    # Income beside value, written on the day the money comes in (blank on every other row).
    frame["income"] = pd.Series([e.counts.get("income") for e in entries], dtype="Int64")
    frame["source"] = DEMO_SOURCE
    frame["source_row"] = np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame), dtype="int64")
    return frame


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _first_monday(start: dt.date | None, end: dt.date | None, weeks: int = DEMO_WEEKS) -> dt.date:
    """The sample's first Monday: start's, or `weeks` weeks before the week holding `end`, or DEMO_START's."""
    if start is None and end is not None:
        return _monday(end) - dt.timedelta(weeks=weeks)
    return _monday(start or DEMO_START)


_STATEMENTS = {
    "office_worker": ValueStatement(
        person="残業に追われる入社3〜5年目の事務職",
        situation="定型のExcel作業に毎日2時間以上かかり、帰りが遅い",
        worries="仕事が遅いと思われたくないが、誰に聞けばいいか分からない",
        words="定時で帰れる",
        future="自分の時間を取り戻し、評価も上がる",
        problem="Excel作業に時間がかかりすぎる悩み",
        solution="経理10年の現場で使ってきた時短術を手順つきで教えること",
        offer="Excel時短の個別相談(60分)",
        why_me="新人の頃は毎晩終電だったが、関数とマクロを覚えて残業を月40時間減らした",
        change="相談した人が、定時で帰れた日を報告してくれる",
    ),
    "homemaker": ValueStatement(
        person="未就学児を育てながら働く30代のママ",
        situation="朝と夕方がいつも慌ただしく、家事が回らない",
        worries="ちゃんとできていない自分を責めてしまう",
        words="完璧じゃなくていい",
        future="子どもと笑って過ごす時間が増える",
        problem="朝の支度と夕飯作りが回らない悩み",
        solution="3人の子育てで試してきた時短家事を、そのまま真似できる形で伝えること",
        offer="時短家事のオンライン講座",
        why_me="復職直後に家事が回らず毎晩落ち込んでいたが、仕組みを変えて乗り切った",
        change="「やってみたら朝が楽になった」と実践報告をくれる",
    ),
    "student": ValueStatement(
        person="独学でWebデザインを始めたばかりの大学生",
        situation="教材を買ったものの、何から作ればいいか分からず手が止まっている",
        worries="自分には才能がないのではと不安",
        words="失敗しても大丈夫",
        future="初めての制作案件を受けて、自信を持てる",
        problem="独学で手が止まり、続けられない悩み",
        solution="半年先を歩く自分の学習記録と失敗談を、毎週そのまま見せること",
        offer="ポートフォリオ添削とバナー制作",
        why_me="3回挫折したが、学習を公開するようになって続けられた",
        change="同じ道の人が「自分もやってみた」と作品を見せてくれる",
    ),
    "freelancer": ValueStatement(
        person="ネットショップを一人で運営している個人店主",
        situation="広告を出しても売上が伸びず、どこを直せばいいか分からない",
        worries="外注して失敗したらお金が無駄になる",
        words="数字で説明してくれる",
        future="自分で改善を回し、売上が安定する",
        problem="商品ページの売上が伸びない悩み",
        solution="EC支援の実務経験から、数字の根拠つきで直す場所を示すこと",
        offer="商品ページ改善のコンサルティング",
        why_me="EC支援で5年間、40店舗以上の売上改善に関わってきた",
        change="クライアントが売上の変化を数字で報告してくれる",
    ),
}


_STATEMENTS_EN = {
    "office_worker": ValueStatement(
        person="An office clerk in their third to fifth year, buried in overtime",
        situation="Routine Excel work takes over two hours a day, and they go home late",
        worries="They don't want to look slow, but don't know whom to ask",
        words="Home on time",
        future="Their evenings back, and a better review at work",
        problem="Excel work that takes far too long",
        solution="The time-savers I have used in ten years of accounting, taught step by step",
        offer="One-to-one Excel time-saving sessions (60 min)",
        why_me="I caught the last train every night as a new hire; learning functions and macros cut my overtime "
               "by 40 hours a month",
        change="The people I help tell me about the days they left on time",
    ),
    "homemaker": ValueStatement(
        person="A working mother in her thirties raising preschoolers",
        situation="Mornings and evenings are always a rush, and the housework never gets done",
        worries="She blames herself for not doing things properly",
        words="It doesn't have to be perfect",
        future="More time laughing with her children",
        problem="Mornings and dinners that never run smoothly",
        solution="The time-saving chores I tried raising three children, shared so they can be copied as they are",
        offer="An online course on time-saving housework",
        why_me="Back at work after leave, I fell behind on housework and felt low every night, until I changed "
               "how it was done",
        change="She tells me \"I tried it and my mornings got easier\"",
    ),
    "student": ValueStatement(
        person="A university student who has just started learning web design alone",
        situation="They bought the course books but don't know what to make first, and have stalled",
        worries="They fear they have no talent",
        words="It's fine to fail",
        future="Their first paid design job, and the confidence that comes with it",
        problem="Stalling when learning alone, and not keeping it up",
        solution="Showing my own learning log and failures every week, half a year ahead of them",
        offer="Portfolio reviews and banner design",
        why_me="I gave up three times, and kept going once I started learning in public",
        change="People on the same path show me what they made: \"I tried it too\"",
    ),
    "freelancer": ValueStatement(
        person="A shop owner running an online store alone",
        situation="Ads don't raise sales, and they don't know what to fix",
        worries="Hiring help that fails would waste money",
        words="Explained with numbers",
        future="Improving the shop on their own, with steady sales",
        problem="Product pages that don't sell",
        solution="Pointing out what to fix, with the numbers behind it, from my work supporting online shops",
        offer="Consulting on product page improvements",
        why_me="For five years I have helped more than 40 online shops raise their sales",
        change="Clients report the change in their sales in numbers",
    ),
}


def demo_plan(persona_id: str, start: dt.date | None = None, end: dt.date | None = None,
              lang: str = DEFAULT_LANG) -> Plan:
    """The persona's default plan with a filled value statement (in `lang`), starting the first demo week
    (`start` and `end` as in demo_log)."""
    if persona_id not in _STATEMENTS:
        raise ValueError(f"no demo for persona {persona_id!r}; demos: {', '.join(_STATEMENTS)}")
    plan = default_plan(persona_id)
    statements = _STATEMENTS_EN if lang == "en" else _STATEMENTS
    plan.statement = ValueStatement(**vars(statements[persona_id]))  # a copy: callers may edit their plan
    plan.start_date = _first_monday(start, end)
    plan.language = lang if lang in ("ja", "en") else plan.language
    return plan


# Each sample's reviews: (week number, fields). Experiments, the verdict on the one before, and how tired the
# person was (1 rested … 5 worn out): the office worker wears out on daily posting and recovers after the
# switch; the others stay within reach. Written in Japanese; _REVIEWS_EN says the same in English.
_REVIEWS: dict[str, tuple[tuple[int, dict], ...]] = {
    "office_worker": (
        (2, {"fatigue": 4, "worked": "毎日投稿は続いている", "experiment": "返信は1日30分までにする"}),
        (3, {"fatigue": 5, "verdict": "drop", "change": "夜中までリプ返しをしてしまった"}),
        (4, {"fatigue": 5, "experiment": "毎日投稿をやめ、週3回に絞って1本に時間をかける"}),
        (5, {"fatigue": 3, "verdict": "keep", "worked": "丁寧に書いた投稿に深い質問が届いた"}),
        (6, {"fatigue": 2, "experiment": "投稿の最後に個別相談の案内を一行入れる"}),
        (8, {"fatigue": 2, "verdict": "keep", "thanks": "相談者さんから長いお礼のメッセージ"}),
        (10, {"fatigue": 2, "experiment": "相談でよく出た質問を事例として投稿する"}),
        (12, {"fatigue": 2, "verdict": "unclear", "worked": "紹介で問い合わせが届いた"}),
    ),
    "homemaker": (
        (3, {"fatigue": 3, "experiment": "子どもの昼寝中の15分だけで投稿を仕上げる"}),
        (5, {"fatigue": 2, "verdict": "keep", "thanks": "「やってみた」と写真つきで報告が届いた"}),
        (8, {"fatigue": 2, "experiment": "コメントには質問で返して会話を続ける"}),
        (10, {"fatigue": 2, "verdict": "keep"}),
        (12, {"fatigue": 3, "worked": "ママ友への紹介が生まれた"}),
    ),
    "student": (
        (3, {"fatigue": 3, "experiment": "失敗談を週1本書く"}),
        (5, {"fatigue": 3, "verdict": "keep", "worked": "落選の話にいちばん反応があった"}),
        (9, {"fatigue": 4, "experiment": "後輩の相談を受ける時間を決めておく"}),
        (11, {"fatigue": 3, "verdict": "keep"}),
        (12, {"fatigue": 3, "worked": "制作の問い合わせが届いた"}),
    ),
    "freelancer": (
        (4, {"fatigue": 3, "experiment": "宣伝をやめ、クライアントの成果を数字で紹介する"}),
        (6, {"fatigue": 2, "verdict": "keep", "worked": "事例紹介の投稿から問い合わせ"}),
        (9, {"fatigue": 2, "experiment": "事例に、クライアントの許可を得た実名を添える"}),
        (11, {"fatigue": 3, "verdict": "unclear"}),
        (12, {"fatigue": 2, "worked": "同業の方から引用された"}),
    ),
}


_REVIEWS_EN = {
    "毎日投稿は続いている": "Still posting every day",
    "返信は1日30分までにする": "Keep replies to 30 minutes a day",
    "夜中までリプ返しをしてしまった": "I replied until midnight again",
    "毎日投稿をやめ、週3回に絞って1本に時間をかける": "Stop posting daily: 3 posts a week, more time on each",
    "丁寧に書いた投稿に深い質問が届いた": "A carefully written post brought a deep question",
    "投稿の最後に個別相談の案内を一行入れる": "End each post with one line about one-to-one sessions",
    "相談者さんから長いお礼のメッセージ": "A long thank-you message from someone I helped",
    "相談でよく出た質問を事例として投稿する": "Post the questions people often ask as case studies",
    "紹介で問い合わせが届いた": "An inquiry came through a referral",
    "子どもの昼寝中の15分だけで投稿を仕上げる": "Finish each post in the 15 minutes of the kids' nap",
    "「やってみた」と写真つきで報告が届いた": "Someone sent a photo: \"I tried it\"",
    "コメントには質問で返して会話を続ける": "Answer comments with a question to keep the conversation going",
    "ママ友への紹介が生まれた": "Someone told a mom friend about me",
    "失敗談を週1本書く": "Write one failure story a week",
    "落選の話にいちばん反応があった": "The post about losing the contest got the most response",
    "後輩の相談を受ける時間を決めておく": "Set a fixed time for juniors' questions",
    "制作の問い合わせが届いた": "An inquiry for design work came in",
    "宣伝をやめ、クライアントの成果を数字で紹介する": "Stop advertising: show clients' results in numbers",
    "事例紹介の投稿から問い合わせ": "An inquiry from a case-study post",
    "事例に、クライアントの許可を得た実名を添える": "Add the client's real name to case studies, with their permission",
    "同業の方から引用された": "A peer in the trade quoted me",
}


def demo_reviews(persona_id: str, start: dt.date | None = None, end: dt.date | None = None,
                 lang: str = DEFAULT_LANG) -> dict[str, dict]:
    """The sample's weekly reviews as the workspace keeps them ({"YYYY-MM-DD": fields}), their texts in `lang`;
    dates as in demo_log."""
    if persona_id not in _REVIEWS:
        raise ValueError(f"no demo for persona {persona_id!r}; demos: {', '.join(_REVIEWS)}")
    monday = _first_monday(start, end)

    def written(name: str, value: object) -> object:
        # The verdict is a code (keep, drop, unclear), the tiredness a number: only the texts are translated.
        return _REVIEWS_EN.get(value, value) if lang == "en" and name != "verdict" and isinstance(value, str) else value

    return {(monday + dt.timedelta(weeks=number - 1)).isoformat(): {k: written(k, v) for k, v in fields.items()}
            for number, fields in _REVIEWS[persona_id]}
