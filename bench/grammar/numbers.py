"""Numbers as creators say them and as captions write them: "60%", "sixty percent", «шестьдесят процентов»."""

from __future__ import annotations

_EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

_RU_ONES = ["ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
            "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать",
            "восемнадцать", "девятнадцать"]
_RU_TENS = ["", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
            "девяносто"]
_RU_HUNDREDS = ["", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот",
                "девятьсот"]

# noun: (singular, plural) in English; (one, few, many, feminine) in Russian.
_NOUNS_EN = {"month": ("month", "months"), "day": ("day", "days"), "week": ("week", "weeks"),
             "year": ("year", "years"), "pct": ("percent", "percent"), "usd": ("dollar", "dollars"),
             "eur": ("euro", "euros"), "lesson": ("lesson", "lessons"), "minute": ("minute", "minutes"),
             "hour": ("hour", "hours"), "meal": ("meal", "meals"), "box": ("box", "boxes"),
             "person": ("person", "people"), "game": ("game", "games"), "item": ("item", "items"),
             "n": ("", "")}
_NOUNS_RU = {"month": ("месяц", "месяца", "месяцев", False), "day": ("день", "дня", "дней", False),
             "week": ("неделя", "недели", "недель", True), "year": ("год", "года", "лет", False),
             "pct": ("процент", "процента", "процентов", False), "rub": ("рубль", "рубля", "рублей", False),
             "lesson": ("урок", "урока", "уроков", False), "minute": ("минута", "минуты", "минут", True),
             "hour": ("час", "часа", "часов", False), "box": ("набор", "набора", "наборов", False),
             "person": ("человек", "человека", "человек", False), "game": ("игра", "игры", "игр", True),
             "item": ("товар", "товара", "товаров", False),
             "ride": ("поездка", "поездки", "поездок", True), "n": ("", "", "", False)}


def cardinal(n: int, language: str, feminine: bool = False) -> str:
    return _ru(n, feminine) if language == "ru" else _en(n)


def _en(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        return _EN_TENS[n // 10] + ("" if n % 10 == 0 else " " + _EN_ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _EN_ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + _en(rest))
    rest = n % 1000
    return _en(n // 1000) + " thousand" + ("" if rest == 0 else " " + _en(rest))


def _ru(n: int, feminine: bool = False) -> str:
    if n >= 1000:
        thousands, rest = divmod(n, 1000)
        word = _ru_form(thousands, ("тысяча", "тысячи", "тысяч"))
        head = word if thousands == 1 else _ru(thousands, True) + " " + word
        return head + ("" if rest == 0 else " " + _ru(rest, feminine))
    parts = []
    if n >= 100:
        parts.append(_RU_HUNDREDS[n // 100])
        n %= 100
    if n >= 20:
        parts.append(_RU_TENS[n // 10])
        n %= 10
    if n or not parts:
        word = _RU_ONES[n]
        if feminine and n in (1, 2):
            word = "одна" if n == 1 else "две"
        parts.append(word)
    return " ".join(parts)


def _ru_form(n: int, forms: tuple) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def say(n: int, noun: str, ctx) -> str:
    """`n` with its noun in the video's style (ctx is an expand.Ctx)."""
    rng, ru = ctx.rng, ctx.language == "ru"
    table = _NOUNS_RU if ru else _NOUNS_EN
    if noun not in table:
        raise KeyError(f"no noun {noun!r} for numbers in {ctx.language}")
    entry = table[noun]
    words = rng.random() < (ctx.words_share if ctx.asr else (0.4 if n <= 10 else 0.05))
    number = cardinal(n, ctx.language, feminine=ru and entry[3]) if words else str(n)
    if noun == "n":
        return number
    if not words and not ctx.asr:
        if noun == "pct":
            return f"{n}%"
        if noun == "usd" and rng.random() < 0.7:
            return f"${n}"
        if noun == "rub" and rng.random() < 0.3:
            return f"{n} ₽"
    if ru:
        return f"{number} {_ru_form(n, entry[:3])}"
    return f"{number} {entry[0] if n == 1 else entry[1]}"
