"""The email a customer gets with an issued document (X7): subject and text in their language."""

from __future__ import annotations

# {kind: (subject, text)} per locale; {number}, {company}, {total}, {due} are filled in.
_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "invoice": (
            "Invoice {number} from {company}",
            "Please find attached invoice {number} for {total}, due {due}.",
        ),
        "credit_note": (
            "Credit note {number} from {company}",
            "Please find attached credit note {number} for {total}.",
        ),
        "proforma": (
            "Pro-forma invoice {number} from {company}",
            "Please find attached pro-forma {number} for {total}.",
        ),
    },
    "sk": {
        "invoice": (
            "Faktúra {number} od {company}",
            "V prílohe posielame faktúru {number} na sumu {total}, splatnú {due}.",
        ),
        "credit_note": (
            "Dobropis {number} od {company}",
            "V prílohe posielame dobropis {number} na sumu {total}.",
        ),
        "proforma": (
            "Zálohová faktúra {number} od {company}",
            "V prílohe posielame zálohovú faktúru {number} na sumu {total}.",
        ),
    },
    "fr": {
        "invoice": (
            "Facture {number} de {company}",
            "Veuillez trouver ci-joint la facture {number} de {total}, à régler le {due}.",
        ),
        "credit_note": (
            "Avoir {number} de {company}",
            "Veuillez trouver ci-joint l'avoir {number} de {total}.",
        ),
        "proforma": (
            "Facture pro forma {number} de {company}",
            "Veuillez trouver ci-joint la facture pro forma {number} de {total}.",
        ),
    },
    "ru": {
        "invoice": (
            "Счёт {number} от {company}",
            "Во вложении счёт {number} на сумму {total}, срок оплаты {due}.",
        ),
        "credit_note": (
            "Кредит-нота {number} от {company}",
            "Во вложении кредит-нота {number} на сумму {total}.",
        ),
        "proforma": (
            "Проформа-счёт {number} от {company}",
            "Во вложении проформа-счёт {number} на сумму {total}.",
        ),
    },
    "uk": {
        "invoice": (
            "Рахунок {number} від {company}",
            "У вкладенні рахунок {number} на суму {total}, термін оплати {due}.",
        ),
        "credit_note": (
            "Кредит-нота {number} від {company}",
            "У вкладенні кредит-нота {number} на суму {total}.",
        ),
        "proforma": (
            "Проформа-рахунок {number} від {company}",
            "У вкладенні проформа-рахунок {number} на суму {total}.",
        ),
    },
}


def invoice_mail(locale: str, kind: str, **values: str) -> tuple[str, str]:
    """(subject, text) in the customer's language, English when we do not speak it."""
    subject, text = _WORDS.get(locale, _WORDS["en"]).get(kind, _WORDS["en"]["invoice"])
    return subject.format(**values), text.format(**values)
