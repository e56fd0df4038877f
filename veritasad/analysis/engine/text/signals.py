"""Advertising cues in Russian and English text: sponsor mentions, calls to action, promo codes, links, disclosure labels.

Pure functions over strings. Spoken text comes lower-case and without punctuation from ASR ("squarespace dot com slash
tech"), screen text comes as written ("Реклама. ООО «Ромашка». erid: 2VtzqwXXXXX"), so every pattern accepts both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from veritasad.analysis.engine.text import fuzzy

SignalKind = Literal[
    "sponsor",  # "sponsored by", "спонсор выпуска", "brought to you by"
    "cta",  # "use code", "click the link", "переходите по ссылке"
    "promo_code",  # the code itself
    "discount",  # "20% off", "скидка"
    "link_hint",  # "link in the description", «ссылка в описании»
    "url",  # a URL or a bare domain; value is the normalised domain
    "selfpromo",  # "my merch", "мой телеграм-канал"
    "interaction",  # "subscribe", "ставьте лайк"
    "label_ru",  # «реклама»: the 38-FZ label
    "partner_ru",  # «партнёр выпуска», «при поддержке»: a sponsorship mention that is not the legal label
    "erid",  # an ORD token; value is the token
    "legal_entity",  # "ООО «Ромашка»", "ИНН 7701234567": names the advertiser for 38-FZ
    "label_en",  # "sponsored", "paid partnership", "#ad": the FTC's clear label
    "qr",  # a decoded QR or barcode payload that holds no URL (set by the screen stage, never found in text)
]


@dataclass(frozen=True)
class TextSignal:
    kind: SignalKind
    text: str  # the matched text as it appears
    value: str  # the normalised value (domain, code, token, brand), or the matched text
    pos: int  # character offset in the source string
    # 1.0 for a cue as written; below 1 for one read from ASR-bent words («виклама» for «реклама»): weaker evidence.
    confidence: float = 1.0


_F = re.IGNORECASE | re.UNICODE

# Spoken URLs: "nord vpn dot com slash linus", "скиллбокс точка ру".
_SPOKEN_DOT = re.compile(r"\s+(?:dot|точка)\s+(?=[a-zа-я]{2,6}\b)", _F)
_SPOKEN_SLASH = re.compile(r"(\.[a-zа-я]{2,6})\s+(?:slash|слеш|слэш)\s+", _F)

_TLDS = (
    "com|ru|io|net|org|co|app|tv|me|gg|ai|dev|shop|store|pro|online|site|info|biz|us|uk|de|kz|by|ua|su|рф|xyz|club|"
    "academy|games|world|link|ly|to|fm|page|so|im"
)
_URL = re.compile(
    r"(?:https?://)?(?:www\.)?((?:[a-z0-9а-яё](?:[a-z0-9а-яё-]{0,61}[a-z0-9а-яё])?\.)+(?:" + _TLDS + r"))\b"
    r"(/[^\s,;«»\"')]*)?",
    _F,
)
_EMAIL_BEFORE = re.compile(r"@\S*$")

_CODE_WORDS = r"(?:promo\s*code|coupon\s*code|discount\s*code|code|промокод[ау]?|по\s+промокоду|(?<![а-яё])код(?:у|ом)?(?![а-яё]))"
_PROMO = re.compile(
    _CODE_WORDS + r"\s*[:\-—«\"']?\s*[«\"']?([a-zа-яё0-9][a-zа-яё0-9_-]{2,24})",
    _F,
)
# Said just before "code", these make the next word a code even when it is a plain word ("use code forkful").
_CODE_VERBS = re.compile(r"(?:\b(?:use|enter|apply|redeem|type|with|code\s+is|промокод\w*|введи\w*|используй\w*|с|по)"
                         r"\s+(?:my\s+|the\s+|our\s+|promo\s+|мой\s+|наш\s+)?(?:promo\s*)?(?:code|промокод\w*|код\w*)"
                         r"\s*[:\-—«\"']?\s*[«\"']?$)", _F)
_NOT_CODES = {
    "below", "in", "at", "and", "the", "for", "from", "is", "to", "on", "that", "this", "review", "base", "editor",
    "which", "you", "we", "it", "was", "of", "with", "will", "here", "there", "snippet", "example", "quality", "more",
    "ниже", "в", "из", "на", "и", "для", "по", "это", "который", "которая", "можно", "получит", "даст", "дает", "даёт",
}

_PATTERNS: list[tuple[SignalKind, re.Pattern[str]]] = [
    ("sponsor", re.compile(
        r"\b(?:sponsor(?:ed)?\s+(?:by|of)|today'?s\s+sponsor|our\s+sponsor|this\s+(?:video|episode|podcast|channel)\s+is\s+"
        r"(?:brought\s+to\s+you|sponsored|supported|made\s+possible)|brought\s+to\s+you\s+by|in\s+partnership\s+with|"
        r"partnered\s+with|for\s+sponsoring|sponsoring\s+(?:this|today)|thanks?\s+to\s+\S+(?:\s+\S+)?\s+for\s+"
        r"(?:sponsoring|supporting)|a\s+word\s+from\s+our)", _F)),
    ("sponsor", re.compile(
        r"(?:спонсор(?:ом)?\s+(?:этого\s+|сегодняшнего\s+)?(?:выпуска|видео|ролика)|спонсирует|при\s+поддержке|"
        r"благодар\w+\s+\S+\s+за\s+поддержку|наш\w*\s+(?:спонсор|партн[её]р)|рекламн\w+\s+интеграци\w+|"
        r"выпуск\w*\s+(?:подготовлен|выходит)\s+при)", _F)),
    ("cta", re.compile(
        r"\b(?:use\s+(?:my\s+|the\s+|promo\s+)?code|click\s+(?:the\s+|my\s+)?link|sign\s+up|head\s+(?:over\s+)?to|go\s+to|"
        r"check\s+(?:them\s+|it\s+)?out\s+at|visit|download\s+(?:the\s+app|it)|try\s+(?:it\s+)?(?:for\s+)?free|"
        r"free\s+trial|get\s+started|order\s+now|grab\s+(?:yours|one)|scan\s+the\s+qr|tap\s+the\s+link)\b", _F)),
    ("cta", re.compile(
        r"(?:переходи\w*\s+по\s+ссылке|по\s+ссылке|регистрир\w+|зарегистрир\w+|скачива\w+|скачайте|оформ\w+\s+заказ|"
        r"попробуй\w*\s+бесплатно|пробн\w+\s+период|вводи\w*\s+промокод|жми\w*|закаж\w+|успей\w*|сканиру\w+\s+qr)", _F)),
    ("discount", re.compile(
        r"(?:\b\d{1,3}\s?(?:%|percent\b|процент\w*)(?:\s+(?:off|discount|скидк\w*))?|\bdiscount\b|\bfree\s+month|"
        r"\bfirst\s+month\s+free|\bскидк\w+|\bбесплатн\w+\s+(?:месяц|доставк\w+|подписк\w+|урок\w*)|кешб[эе]к\w*|cashback)", _F)),
    # Percentages as ASR writes them out: "sixty percent off", «пятьдесят процентов», "half off".
    ("discount", re.compile(
        r"(?:\b(?:ten|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)(?:[\s-]\w+)?\s+percent\b|"
        r"\bhalf\s+(?:off|price)\b|(?<![а-яё])(?:десят|пятнадцат|двадцат|тридцат|сорок|пятьдесят|шестьдесят|"
        r"семьдесят|восемьдесят|девяносто|сто)\w*(?:\s+\w+)?\s+процент\w*)", _F)),
    ("link_hint", re.compile(
        r"(?:\blinks?\s+(?:is\s+|are\s+)?(?:in|down\s+in)\s+(?:the\s+|my\s+)?(?:description|bio|pinned\s+comment)|"
        r"\blinks?\s+below\b|\bdescription\s+below\b|ссылк\w+\s+(?:\w+\s+)?(?:в\s+описании|под\s+(?:этим\s+)?видео|"
        r"в\s+закреп\w*\s+комментари\w+)|в\s+описании\s+(?:к\s+)?(?:видео|ролику)?)", _F)),
    ("selfpromo", re.compile(
        r"\b(?:my\s+(?:new\s+|own\s+|latest\s+|online\s+)?(?:merch|course|book|newsletter|patreon|second\s+channel|other\s+channel|store|shop|podcast|app)|"
        r"patreon|our\s+merch|merch\s+store|support\s+(?:me|the\s+channel)\s+on|join\s+(?:the\s+|my\s+)?membership|"
        r"channel\s+members)\b", _F)),
    # Plain first-person ownership of something to buy or join: "I finally made a course", "we have a Discord".
    ("selfpromo", re.compile(
        r"\b(?:i|we)(?:'ve|\s+have)?\s+(?:finally\s+|just\s+)?(?:made|wrote|launched|started|opened|built|released|"
        r"put\s+out|have|run)\s+(?:a|an|my|our|the)\s+(?:new\s+|own\s+|little\s+|online\s+)?(?:course|book|"
        r"e-?book|discord|community|newsletter|store|shop|merch|app|podcast|patreon|server|workshop|masterclass|"
        r"preset\s+pack|presets)\b|\b(?:join|jump\s+into|come\s+hang\s+out\s+in)\s+(?:the\s+|our\s+|my\s+)?"
        r"(?:discord|community|server|patreon|telegram)\b|\b(?:our|my)\s+discord\b", _F)),
    ("selfpromo", re.compile(
        r"(?<![а-яё])(?:я|мы)\s+(?:наконец\s+|тут\s+)?(?:написал\w*|запустил\w*|сделал\w*|открыл\w*|выпустил\w*|"
        r"собрал\w*)\s+(?:сво\w+\s+|нов\w+\s+)?(?:курс|книг|школ|магазин|канал|чат|сообществ|подкаст|мерч|"
        r"марафон|интенсив|пресет)\w*|(?:записаться|запишитесь|записывайтесь)\s+ко\s+мне|"
        r"(?:наш|мой)\w*\s+(?:дискорд|чат|сообществ\w*|клуб\w*)|у\s+нас\s+есть\s+(?:\w+\s+)?"
        r"(?:дискорд|чат|сообществ|клуб)\w*", _F)),
    ("selfpromo", re.compile(
        r"(?:мо(?:й|ём|ем|его)\s+(?:[а-яё]+\s+)?(?:телеграм\w*|канал\w*|курс\w*|мерч\w*|магазин\w*|книг\w*|подкаст\w*)|мо(?:ю|ей|я)\s+(?:[а-яё]+\s+)?"
        r"(?:книг\w*|школ\w*|рассылк\w*)|boosty|бусти|мерч\w*|наш\w*\s+(?:телеграм\w*|магазин\w*|курс\w*)|"
        # Spoken forms that ASR keeps apart or bends: "у меня есть рассылка", "поддержать канал", "спонсоры канала".
        r"у\s+меня\s+(?:есть|вышл?[аио]?|открыт\w*)\s+(?:\w+\s+)?(?:рассылк|курс|книг|телеграм|школ|подкаст|мерч)\w*|"
        r"поддерж(?:ать|ите|и)\s+(?:наш\w*\s+|мой\s+|этот\s+)?канал|спонсор\w*\s+канала|участник\w*\s+канала)", _F)),
    ("interaction", re.compile(
        r"\b(?:subscri(?:be|bed|bers?|bing)|hit\s+(?:the\s+|that\s+)?(?:like|bell)|smash\s+(?:the\s+|that\s+)?like|"
        r"like\s+button|(?:leave|drop|write)\s+(?:a|your|us\s+a|me\s+a)\s+(?:like|comment)|comment\s+(?:down\s+)?below|"
        r"let\s+me\s+know\s+in\s+the\s+comments|notification\s+bell|share\s+this\s+video|subs\s+away)\b", _F)),
    ("interaction", re.compile(
        r"(?:подпис\w+\s+на\s+канал|подпиш(?:ите|и)\w*|подписыва\w*|став\w+\s+лайк|лайк\w*|колокольч\w+|"
        r"пиши\w*\s+в\s+комментари\w+|напиши\w*\s+в\s+комментари\w+|делит\w+\s+(?:этим\s+)?видео|"
        # Stems, not whole words: ASR bends endings ("подписывайтеся") and drops or garbles the words between.
        r"(?:остав|дел|расскаж|пиш)\w*\s+(?:\w+\s+){0,3}в\s+комментари\w+|включ\w*\s+уведомлени\w*|"
        r"этим\s+(?:видео|роликом)\s+с\s+(?:друз\w+|друг(?:ом|ими)\b))", _F)),
    ("label_ru", re.compile(r"(?<![а-яё])реклам[аы](?![а-яё])|#реклама", _F)),
    ("partner_ru", re.compile(r"партн[её]р\w*\s+(?:этого\s+|сегодняшнего\s+)?(?:выпуска|видео|ролика)|на\s+правах\s+рекламы|"
                              r"партн[её]рск\w+\s+(?:материал|пост|интеграци|публикаци)\w*", _F)),
    ("label_en", re.compile(
        r"(?:#ad\b|#sponsored\b|\bpaid\s+(?:partnership|promotion)\b|\bsponsored\b|\badvertisement\b|"
        r"\bthis\s+is\s+an\s+ad\b|\bincludes\s+paid\s+promotion\b|"
        # A bare "Ad" is a label only standing alone, as on a screen badge ("Ad", "Ad · Brand"), never inside speech.
        r"^\s*ad\s*(?:$|[·|•:—–-]))", _F | re.MULTILINE)),
]

_ERID = re.compile(r"\berid\s*[:=№]?\s*([A-Za-z0-9]{6,40})", _F)
_LEGAL = re.compile(
    r"(?:\b(?:ООО|ОАО|ЗАО|ПАО|АО|ИП|LLC|Ltd|Inc)\b\.?\s*[«\"„]?([A-ZА-ЯЁ][\w\- .]{1,40}?)[»\"“]?(?=[,.;\n]|$|\s{2})|"
    r"\bИНН\s*:?\s*(\d{10,12}))",
    re.UNICODE,
)


_SPOKEN_TLD_RU = {"ру": "ru", "ком": "com", "нет": "net", "орг": "org", "ио": "io", "ми": "me"}
_SPOKEN_DOT_RU = re.compile(r"\s+точка\s+(" + "|".join(_SPOKEN_TLD_RU) + r")(?![а-яё])", _F)


def normalise_spoken(text: str) -> str:
    """Turn spoken URLs into written ones so that one URL pattern finds both."""
    text = _SPOKEN_DOT_RU.sub(lambda m: "." + _SPOKEN_TLD_RU[m.group(1).lower()], text)
    text = _SPOKEN_DOT.sub(".", text)
    return _SPOKEN_SLASH.sub(r"\1/", text)


def find_urls(text: str) -> list[TextSignal]:
    out = []
    for m in _URL.finditer(text):
        if _EMAIL_BEFORE.search(text[: m.start()]):
            continue  # the domain of an e-mail address
        domain = m.group(1).lower()
        label = domain.split(".")[-2] if domain.count(".") >= 1 else domain
        if label.isdigit() or len(label) < 2:
            continue  # "3.5 ru" and similar numbers
        out.append(TextSignal("url", m.group(0), domain.removeprefix("www."), m.start()))
    return out


def _looks_like_code(code: str, text: str, start: int) -> bool:
    """A code has a digit, or is written in capitals, or follows "use code"/«промокод» itself; a plain lower-case word
    after a bare "code" is ordinary speech ("a promo code once", "the code compiles")."""
    if any(ch.isdigit() for ch in code) or (code.isupper() and len(code) >= 3):
        return True
    if text[:start].rstrip().lower().endswith(("промокод", "промокода", "промокоду", "промокодом")):
        return True
    return bool(_CODE_VERBS.search(text[:start]))


def find_promo_codes(text: str) -> list[TextSignal]:
    out = []
    for m in _PROMO.finditer(text):
        code = m.group(1).strip("-_")
        if code.lower() in _NOT_CODES or len(code) < 3 or not _looks_like_code(code, text, m.start(1)):
            continue
        out.append(TextSignal("promo_code", m.group(0), code.upper(), m.start(1)))
    return out


def find_erids(text: str) -> list[TextSignal]:
    return [TextSignal("erid", m.group(0), m.group(1), m.start()) for m in _ERID.finditer(text)]


def find_legal_entities(text: str) -> list[TextSignal]:
    out = []
    for m in _LEGAL.finditer(text):
        value = (m.group(1) or m.group(2) or "").strip()
        if value:
            out.append(TextSignal("legal_entity", m.group(0).strip(), value, m.start()))
    return out


def find_signals(text: str) -> list[TextSignal]:
    """Every cue in `text`, ordered by position, bent ones included (see fuzzy.py): a cue read from bent words
    has the kind and value a clean one would, `text` as heard and a confidence below 1."""
    text = normalise_spoken(text)
    exact = _patterns(text)
    repaired = fuzzy.repair(text)
    if repaired is None:
        return exact
    bent = []
    for s in _patterns(repaired.text):
        start = repaired.text.rfind(s.text, 0, s.pos + len(s.text))  # a promo code's pos is the code's, inside
        start = start if start >= 0 else s.pos
        span = repaired.to_original(start, start + len(s.text))
        if span is None:
            continue  # nothing bent in it: the exact pass has it
        o_start, o_end, confidence = span
        if any(e.kind == s.kind and e.pos < o_end and e.pos + len(e.text) > o_start for e in exact):
            continue  # the exact pass found this cue in the heard words too ("прома код лето": "код лето")
        bent.append(TextSignal(s.kind, text[o_start:o_end], s.value, repaired.position(s.pos), confidence))
    return sorted(exact + bent, key=lambda s: s.pos)


def find_exact_signals(text: str) -> list[TextSignal]:
    """The cues the patterns find in `text` as written, ordered by position."""
    return _patterns(normalise_spoken(text))


# "Not sponsored", «это не реклама», «без рекламы»: a denial is not a label (nor a sponsor mention).
_NEGATION = re.compile(r"(?:\b(?:not|no|never|isn'?t|wasn'?t|aren'?t|without|nobody)|(?<![а-яё])(?:не|нет|без|никто)"
                       r")\s+(?:\w+\s+)?$", _F)
_DENIABLE = frozenset({"label_en", "label_ru", "sponsor", "partner_ru"})


def _denied(kind: str, text: str, start: int) -> bool:
    return kind in _DENIABLE and bool(_NEGATION.search(text[max(0, start - 24): start]))


def _patterns(text: str) -> list[TextSignal]:
    found = [TextSignal(kind, m.group(0), m.group(0).lower(), m.start())
             for kind, pattern in _PATTERNS for m in pattern.finditer(text) if not _denied(kind, text, m.start())]
    found += find_urls(text) + find_promo_codes(text) + find_erids(text) + find_legal_entities(text)
    return sorted(found, key=lambda s: s.pos)


def count_signals(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in find_signals(text):
        counts[s.kind] = counts.get(s.kind, 0) + 1
    return counts


# Cues a brand name follows: "sponsored by NordVPN", "thanks to Squarespace for", «спонсор выпуска — Skyeng».
_BRAND_AFTER = re.compile(
    r"(?i:sponsored\s+by|brought\s+to\s+you\s+by|supported\s+by|partnership\s+with|partnered\s+with|"
    r"thanks?\s+to|today'?s\s+sponsor(?:\s+is)?|check\s+out|спонсор(?:ом)?\s+(?:этого\s+|сегодняшнего\s+)?"
    r"(?:выпуска|видео|ролика)(?:\s+(?:стал|стала|стало|является))?|партн[её]р(?:ом)?\s+(?:этого\s+|сегодняшнего\s+)?"
    r"(?:выпуска|видео|ролика)(?:\s+(?:стал|стала|стало|является))?|при\s+поддержке|благодар\w+|спонсирует)"
    r"[\s:—–-]+[«\"]?([\w][\w.&'-]*(?:\s+[A-ZА-ЯЁ][\w.&'-]*)?)",
    re.UNICODE,  # case-sensitive outside the cue: a second word joins the name only when capitalised
)
# Words that follow those cues but are not names.
_NOT_BRANDS = {
    "the", "a", "an", "our", "my", "this", "today", "today's", "you", "everyone", "all", "them", "it", "that", "your",
    "for", "watching", "us", "him", "her", "and", "out", "компании", "компанией", "вам", "всем", "нашего", "нашему",
    "нашим", "этот", "этого", "сервиса", "сервису", "за", "тому", "всех", "вас", "им", "ему", "её", "ее", "моим", "вашей",
}


def find_brands(text: str) -> list[TextSignal]:
    """Brand names: the words after a sponsor cue, and the name inside each domain (nordvpn.com -> Nordvpn)."""
    text = normalise_spoken(text)
    out = _brands_after_cues(text)
    repaired = fuzzy.repair(text)
    if repaired is not None:  # a name after a bent cue: «спансор выпуска Skyeng»
        for b in _brands_after_cues(repaired.text):
            start = repaired.text.rfind(b.text, 0, b.pos + len(b.text))  # pos is the name's, inside
            span = repaired.to_original(start, start + len(b.text))
            if span is not None and all(o.value != b.value for o in out):
                out.append(TextSignal("sponsor", text[span[0]:span[1]], b.value, repaired.position(b.pos), span[2]))
    for url in find_urls(text):
        out.append(TextSignal("url", url.text, brand_from_domain(url.value), url.pos))
    return out


def _brands_after_cues(text: str) -> list[TextSignal]:
    out = []
    for m in _BRAND_AFTER.finditer(text):
        name = m.group(1).strip(".'-")
        if name.split()[0].lower() in _NOT_BRANDS or len(name) < 2:
            continue
        if _URL.fullmatch(name):
            name = brand_from_domain(name)
        out.append(TextSignal("sponsor", m.group(0), name, m.start(1)))
    return out


def brand_from_domain(domain: str) -> str:
    """The registrable label of a domain, as a name: "go.nordvpn.net" -> "Nordvpn"."""
    parts = domain.lower().removeprefix("www.").split("/")[0].split(".")
    label = parts[-2] if len(parts) >= 2 else parts[0]
    return label[:1].upper() + label[1:]
