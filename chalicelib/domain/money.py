"""Money as integer minor units of an ISO 4217 currency: parsing what people type, formatting for display."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from chalicelib.domain.errors import ValidationError

# ISO 4217 minor-unit exponents that differ from the usual 2.
_EXPONENTS = {
    **dict.fromkeys(("JPY", "KRW", "CLP", "ISK", "VND", "PYG", "UGX", "XAF", "XOF", "RWF"), 0),
    **dict.fromkeys(("BHD", "KWD", "JOD", "IQD", "LYD", "OMR", "TND"), 3),
}
MAX_MINOR = 10**15  # beyond any real price; keeps integers exact everywhere they travel
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# ISO 4217 currencies in use (CLDR, via babel 2.18): a typo such as "EUD" is refused, not stored.
CURRENCIES = frozenset(
    (  # noqa: SIM905  (one compact block reads better than 154 lines)
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD "
        "CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP "
        "GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD "
        "KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN "
        "NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP "
        "SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV "
        "WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
    ).split()
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_MINUS = ("-", "\u2212")


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def check_currency(currency: str, field: str = "currency") -> str:
    code = currency.strip().upper()
    if not _CURRENCY.match(code):
        raise ValidationError("currency must be a three-letter ISO code such as EUR", field=field)
    if code not in CURRENCIES:
        raise ValidationError(f"{code} is not a currency in use (ISO 4217)", field=field)
    return code


def parse_amount(
    text: str | int | float | Decimal,
    currency: str,
    *,
    field: str = "amount",
    allow_negative: bool = False,
) -> int:
    """ "12.50", "12,50", "1 234,50", "1,234.50", "€12.50" -> minor units.

    Refuses what it cannot read exactly: more decimals than the currency has, garbage, negatives
    unless allowed. One separator alone is the decimal mark (except a ¥"1,234"-style grouping).
    """
    if isinstance(text, bool):
        raise ValidationError("the amount must be a number such as 12.50", field=field)
    raw = repr(text) if isinstance(text, float) else str(text)
    digits = exponent(currency)
    negative, number = _strip_sign_and_currency(raw.strip(), currency.upper())
    plain = _canonical(_SPACES.sub("", number), digits, raw, field)
    try:
        value = Decimal(plain)
    except InvalidOperation:
        raise ValidationError(f"{raw!r} is not an amount such as 12.50", field=field) from None
    if -value.as_tuple().exponent > digits:  # type: ignore[operator]  # finite: checked by the pattern
        places = f"{digits} decimal places" if digits else "no decimal places"
        raise ValidationError(f"{raw!r} has too many decimals: {currency.upper()} has {places}", field=field)
    minor = int(value.scaleb(digits))
    if negative:
        minor = -minor
    if minor < 0 and not allow_negative:
        raise ValidationError("the amount must not be negative", field=field)
    if abs(minor) >= MAX_MINOR:
        raise ValidationError(f"{raw!r} is too large", field=field)
    return minor


def _strip_sign_and_currency(text: str, currency: str) -> tuple[bool, str]:
    negative = text.startswith(_MINUS)
    body = text[1:].strip() if negative else text
    if body and not re.fullmatch(r"[\d\s\u00a0\u202f\u2009',.\-\u2212]+", body):
        for mark in sorted({currency, *_symbols(currency)}, key=len, reverse=True):
            if body.startswith(mark):
                body = body[len(mark) :].strip()
                break
            if body.endswith(mark):
                body = body[: -len(mark)].strip()
                break
    if not negative and body.startswith(_MINUS):  # "€-12.50"
        negative, body = True, body[1:].strip()
    return negative, body


def _symbols(currency: str) -> set[str]:
    from babel.core import UnknownLocaleError
    from babel.numbers import get_currency_symbol

    found = set()
    for locale in ("en", "sk", "ru", "uk", "fr"):
        try:
            found.add(get_currency_symbol(currency, locale=locale))
        except (UnknownLocaleError, ValueError):
            continue
    return {s for s in found if s}


def _canonical(number: str, digits: int, raw: str, field: str) -> str:
    """Decides which of ',' and '.' is the decimal mark and returns "1234.50"."""
    if not re.fullmatch(r"\d[\d,.]*", number) or number.endswith((",", ".")):
        raise ValidationError(f"{raw!r} is not an amount such as 12.50", field=field)
    marks = [c for c in number if c in ",."]
    if not marks:
        return number
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
        if marks.count(decimal_mark) > 1:
            raise ValidationError(f"{raw!r} is not an amount such as 12.50", field=field)
    elif len(marks) > 1 or (digits == 0 and re.fullmatch(r"\d{1,3}[,.]\d{3}", number)):
        decimal_mark = ""  # "1,234,567" or ¥"1,234": only grouping
    else:
        decimal_mark = marks[0]
    whole, _, fraction = number.rpartition(decimal_mark) if decimal_mark else (number, "", "")
    group_mark = ({",", "."} - {decimal_mark}).pop() if decimal_mark else marks[0]
    groups = whole.split(group_mark)
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValidationError(f"{raw!r} has misplaced digit grouping", field=field)
    return "".join(groups) + (f".{fraction}" if fraction else "")


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def plain_amount(minor: int, currency: str) -> str:
    """ "1234.50": for forms and JSON, readable back by parse_amount."""
    digits = exponent(currency)
    return f"{to_decimal(minor, currency):.{digits}f}"


def format_amount(minor: int, currency: str, locale: str = "en") -> str:
    """ "€1,234.50" (en), "1 234,50 €" (sk): the locale's pattern with the currency's ISO decimals."""
    import copy

    from babel.core import Locale
    from babel.numbers import format_currency  # babel's data loads on first use only

    digits = exponent(currency)
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return str(
        format_currency(
            to_decimal(minor, currency), currency, format=pattern, locale=locale, currency_digits=False
        )
    )
