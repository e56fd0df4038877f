"""Invented advertisers (none of them the seed set's, none of them real as far as we know), each with a product type
so that its pitch fits. The split holds out advertisers by name (model.split)."""

from bench.grammar.model import Advertiser


def _en(name: str, domain: str, product: str, code: str) -> Advertiser:
    return Advertiser(name=name, domain=domain, product=product, language="en", code=code)


def _ru(name: str, domain: str, product: str, code: str, legal: str) -> Advertiser:
    return Advertiser(name=name, domain=domain, product=product, language="ru", code=code, legal=legal)


ADVERTISERS = {
    "en": [
        _en("Burrowline", "burrowline.net", "vpn", "BURROW"), _en("Veilnet", "veilnet.io", "vpn", "VEIL"),
        _en("PrivaLink", "privalink.com", "vpn", "PRIVA"),
        _en("Forkful", "forkful.com", "meal_kit", "FORK"), _en("Green Crate", "greencrate.co", "meal_kit", "CRATE"),
        _en("Supper Club Box", "supperclubbox.com", "meal_kit", "SUPPER"),
        _en("Lingora", "lingora.app", "language", "LINGO"), _en("Parlavo", "parlavo.com", "language", "PARLAVO"),
        _en("Duetly", "duetly.io", "language", "DUET"),
        _en("Coinwell", "coinwell.com", "bank", "COIN"), _en("Orbit Bank", "orbitbank.com", "bank", "ORBIT"),
        _en("Penny Card", "pennycard.co", "bank", "PENNY"),
        _en("Kingdoms of Ash", "kingdomsofash.game", "game", "ASH"),
        _en("Starfall Tactics", "starfalltactics.com", "game", "STAR"), _en("Ember Saga", "embersaga.com",
                                                                              "game", "EMBER"),
        _en("Pagecraft", "pagecraft.com", "hosting", "CRAFT"), _en("Hostwise", "hostwise.net", "hosting", "WISE"),
        _en("Storefold", "storefold.com", "hosting", "FOLD"),
        _en("CodeKite", "codekite.io", "coding", "KITE"), _en("Syntax Academy", "syntaxacademy.com", "coding", "SYNTAX"),
        _en("Loopwise", "loopwise.dev", "coding", "LOOP"),
        _en("Earshot", "earshot.fm", "audiobooks", "EARSHOT"), _en("Storyhall", "storyhall.com", "audiobooks", "STORY"),
        _en("Vaultly", "vaultly.com", "password", "VAULT"), _en("Keyhold", "keyhold.app", "password", "KEYHOLD"),
        _en("Lockbox Pass", "lockboxpass.com", "password", "LOCK"),
        _en("Repsy", "repsy.app", "fitness", "REPS"), _en("Stride Coach", "stridecoach.com", "fitness", "STRIDE"),
        _en("Corewell Fit", "corewellfit.com", "fitness", "CORE"),
        _en("Docuverse", "docuverse.tv", "streaming", "DOCU"), _en("Reelnook", "reelnook.com", "streaming", "NOOK"),
        _en("Dozewell", "dozewell.com", "sleep", "DOZE"), _en("Nestrest", "nestrest.com", "sleep", "NEST"),
        _en("Cloudloom", "cloudloom.com", "sleep", "LOOM"),
        _en("Basketly", "basketly.com", "grocery", "BASKET"), _en("Pantry Run", "pantryrun.com", "grocery", "PANTRY"),
        _en("Dewlab", "dewlab.com", "skincare", "DEW"), _en("Mossfeld Skin", "mossfeld.com", "skincare", "MOSS"),
        _en("Oakleaf Invest", "oakleafinvest.co", "broker", "OAK"), _en("Tickerly", "tickerly.com", "broker", "TICKER"),
        _en("Boxdrop", "boxdrop.io", "cloud", "BOXDROP"), _en("Safeshelf", "safeshelf.com", "cloud", "SHELF"),
        _en("Glowtide", "glowtide.com", "skincare", "GLOW"), _en("Quillreads", "quillreads.com", "audiobooks", "QUILL"),
    ],
    "ru": [
        _ru("Тоннель", "tonnel-vpn.ru", "vpn", "TONNEL", "ООО «Тоннель Технологии»"),
        _ru("ShieldGo", "shieldgo.ru", "vpn", "SHIELD", "ООО «Шилд Го»"),
        _ru("Кокон VPN", "kokonvpn.com", "vpn", "KOKON", "ООО «Кокон»"),
        _ru("Вкусбокс", "vkusbox.ru", "meal_kit", "VKUS", "ООО «Вкусбокс»"),
        _ru("Ужин Дома", "uzhindoma-box.ru", "meal_kit", "UZHIN", "ООО «Ужин Дома»"),
        _ru("Кастрюля", "kastrula.ru", "meal_kit", "KASTRULA", "ООО «Кастрюля»"),
        _ru("Лингвария", "lingvaria.ru", "language", "LINGVA", "ООО «Лингвария»"),
        _ru("SpeakUp School", "speakupschool.ru", "language", "SPEAK", "ООО «Спикап»"),
        _ru("Полиглотик", "poliglotik.ru", "language", "POLI", "ООО «Полиглотик»"),
        _ru("Банк Сфера", "sferabank.ru", "bank", "SFERA", "АО «Банк Сфера»"),
        _ru("Копилка Банк", "kopilka.bank", "bank", "KOPILKA", "АО «Копилка Банк»"),
        _ru("Рубикон Банк", "rubikonbank.ru", "bank", "RUBIKON", "АО «Рубикон»"),
        _ru("Легенды Севера", "legendy-severa.ru", "game", "SEVER", "ООО «Северные Игры»"),
        _ru("Осада", "osada.game", "game", "OSADA", "ООО «Осада Геймс»"),
        _ru("Пиксель Войны", "pixelwars.ru", "game", "PIXEL", "ООО «Пиксель»"),
        _ru("Сайтоград", "saitograd.ru", "hosting", "GRAD", "ООО «Сайтоград»"),
        _ru("Хостинг Улей", "uley.host", "hosting", "ULEY", "ООО «Улей»"),
        _ru("Кодвиль", "kodvil.ru", "coding", "KOD", "ООО «Кодвиль»"),
        _ru("Айтиград", "itigrad.ru", "coding", "ITI", "АНО ДПО «Айтиград»"),
        _ru("Учи.Код", "uchi-kod.ru", "coding", "UCHI", "ООО «Учи Код»"),
        _ru("Слушай", "slushai.ru", "audiobooks", "SLUSHAI", "ООО «Слушай»"),
        _ru("Книжная Полка", "knizhpolka.ru", "audiobooks", "POLKA", "ООО «Полка»"),
        _ru("Базар", "bazar-market.ru", "marketplace", "BAZAR", "ООО «Базар Маркет»"),
        _ru("Корзинка", "korzinka.ru", "marketplace", "KORZINKA", "ООО «Корзинка»"),
        _ru("Прилавок24", "prilavok24.ru", "marketplace", "PRILAVOK", "ООО «Прилавок 24»"),
        _ru("Пульс Фит", "pulsfit.app", "fitness", "PULS", "ООО «Пульс»"),
        _ru("Зарядка", "zaryadka.app", "fitness", "ZARYAD", "ООО «Зарядка»"),
        _ru("Киноплёнка", "kinoplenka.tv", "streaming", "KINO", "ООО «Киноплёнка»"),
        _ru("Сериалити", "serialiti.ru", "streaming", "SERIAL", "ООО «Сериалити»"),
        _ru("Волна Мобайл", "volna-mobile.ru", "telecom", "VOLNA", "ООО «Волна Мобайл»"),
        _ru("Связь Плюс", "svyazplus.ru", "telecom", "SVYAZ", "ООО «Связь Плюс»"),
        _ru("Роса", "rosa-cosmetics.ru", "skincare", "ROSA", "ООО «Роса»"),
        _ru("Мята Лаб", "myatalab.ru", "skincare", "MYATA", "ООО «Мята Лаб»"),
        _ru("Капитал Старт", "kapitalstart.ru", "broker", "KAPITAL", "АО «Капитал Старт»"),
        _ru("Инвестрой", "investroi.ru", "broker", "INVEST", "ООО «Инвестрой»"),
        _ru("Облакс", "oblaks.ru", "cloud", "OBLAKS", "ООО «Облакс»"),
        _ru("Сундук", "sunduk-cloud.ru", "cloud", "SUNDUK", "ООО «Сундук»"),
        _ru("Мигом", "migom-taxi.ru", "taxi", "MIGOM", "ООО «Мигом»"),
        _ru("Едем", "edem.app", "taxi", "EDEM", "ООО «Едем»"),
        _ru("Штурвал", "shturval-drive.ru", "taxi", "SHTURVAL", "ООО «Штурвал»"),
        _ru("Марафон Фит", "marafonfit.ru", "fitness", "MARAFON", "ООО «Марафон»"),
        _ru("Абзац", "abzac-books.ru", "audiobooks", "ABZAC", "ООО «Абзац»"),
    ],
}
