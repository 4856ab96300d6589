"""The words printed on customer documents (invoices, credit notes, delivery notes) in each locale.

A document speaks the customer's language (Customer.locale); an unknown locale falls back to English.
Every label is a 5-tuple in the order of LOCALES, so none is missing in any language (mypy checks it).
"""

from __future__ import annotations

import re
from functools import cache

from chalicelib.domain.tax import REVERSE_CHARGE_NOTE

DEFAULT_LOCALE = "en"
LOCALES = ("en", "sk", "fr", "ru", "uk")

# label -> (en, sk, fr, ru, uk), in the order of LOCALES.
_TABLE: dict[str, tuple[str, str, str, str, str]] = {
    "invoice": ("Invoice", "Faktúra", "Facture", "Счёт-фактура", "Рахунок-фактура"),
    "credit_note": ("Credit note", "Dobropis", "Avoir", "Кредит-нота", "Кредит-нота"),
    "proforma": (
        "Pro-forma invoice",
        "Proforma faktúra",
        "Facture pro forma",
        "Счёт-проформа",
        "Рахунок-проформа",
    ),
    "not_tax_document": (
        "Not a tax document",
        "Nie je daňový doklad",
        "Document sans valeur fiscale",
        "Не является налоговым документом",
        "Не є податковим документом",
    ),
    "corrects": (
        "Corrects invoice {number}",
        "Opravuje faktúru {number}",
        "Rectifie la facture {number}",
        "Корректирует счёт {number}",
        "Коригує рахунок {number}",
    ),
    "draft": ("DRAFT", "NÁVRH", "BROUILLON", "ЧЕРНОВИК", "ЧЕРНЕТКА"),
    "supplier": ("Supplier", "Dodávateľ", "Fournisseur", "Поставщик", "Постачальник"),
    "customer": ("Customer", "Odberateľ", "Client", "Покупатель", "Покупець"),
    "company_id": ("Company ID", "IČO", "N° d'entreprise", "Рег. номер", "Реєстр. номер"),
    "vat_id": ("VAT ID", "IČ DPH", "N° TVA", "Номер НДС", "Номер ПДВ"),
    "tax_id": ("Tax ID", "IČ DPH", "N° TVA", "ИНН", "Податковий номер"),
    "email": ("Email", "E-mail", "E-mail", "Эл. почта", "Ел. пошта"),
    "number": ("Number", "Číslo", "Numéro", "Номер", "Номер"),
    "issue_date": (
        "Issue date",
        "Dátum vystavenia",
        "Date d'émission",
        "Дата выставления",
        "Дата виставлення",
    ),
    "due_date": ("Due date", "Dátum splatnosti", "Date d'échéance", "Срок оплаты", "Термін оплати"),
    "period": ("Service period", "Obdobie plnenia", "Période de service", "Период услуг", "Період послуг"),
    "reference": ("Your reference", "Vaša objednávka", "Votre référence", "Ваш заказ", "Ваше замовлення"),
    "description": ("Description", "Popis", "Désignation", "Описание", "Опис"),
    "service_dates": ("Service dates", "Obdobie", "Période", "Период", "Період"),
    "quantity": ("Qty", "Množstvo", "Qté", "Кол-во", "К-сть"),
    "unit_price": ("Unit price", "Jedn. cena", "Prix unitaire", "Цена", "Ціна"),
    "amount": ("Amount", "Suma", "Montant", "Сумма", "Сума"),
    "tax_summary": (
        "Tax summary",
        "Rekapitulácia DPH",
        "Récapitulatif TVA",
        "Сводка налогов",
        "Підсумок податків",
    ),
    "rate": ("Rate", "Sadzba", "Taux", "Ставка", "Ставка"),
    "net": ("Net", "Základ dane", "Base HT", "Без налога", "Без податку"),
    "tax": ("Tax", "DPH", "TVA", "Налог", "Податок"),
    "total_net": ("Total net", "Spolu bez DPH", "Total HT", "Итого без налога", "Разом без податку"),
    "total_tax": ("Total tax", "DPH spolu", "Total TVA", "Итого налог", "Разом податок"),
    "total_due": ("Total due", "Celkom k úhrade", "Total à payer", "Итого к оплате", "Разом до сплати"),
    "total_credited": (
        "Total credited",
        "Celkom dobropis",
        "Total de l'avoir",
        "Итого к возврату",
        "Разом до повернення",
    ),
    "prices_include_tax": (
        "Prices include tax",
        "Ceny sú vrátane DPH",
        "Prix TTC",
        "Цены включают налог",
        "Ціни включають податок",
    ),
    "payment": ("Payment details", "Platobné údaje", "Paiement", "Платёжные реквизиты", "Платіжні реквізити"),
    "bank": ("Bank", "Banka", "Banque", "Банк", "Банк"),
    "iban": ("IBAN", "IBAN", "IBAN", "IBAN", "IBAN"),
    "bic": ("BIC/SWIFT", "BIC/SWIFT", "BIC/SWIFT", "BIC/SWIFT", "BIC/SWIFT"),
    "payment_reference": (
        "Payment reference",
        "Referencia platby",
        "Référence de paiement",
        "Назначение платежа",
        "Призначення платежу",
    ),
    "page": ("Page", "Strana", "Page", "Стр.", "Стор."),
    "delivery_note": ("Delivery note", "Dodací list", "Bon de livraison", "Накладная", "Накладна"),
    "order": ("Order", "Objednávka", "Commande", "Заказ", "Замовлення"),
    "date": ("Date", "Dátum", "Date", "Дата", "Дата"),
    "delivery_address": (
        "Delivery address",
        "Miesto dodania",
        "Adresse de livraison",
        "Адрес доставки",
        "Адреса доставки",
    ),
    "serial_numbers": (
        "Serial numbers",
        "Výrobné čísla",
        "Numéros de série",
        "Серийные номера",
        "Серійні номери",
    ),
    "installation_site": (
        "Installation site",
        "Miesto inštalácie",
        "Lieu d'installation",
        "Место установки",
        "Місце встановлення",
    ),
    "delivered_by": ("Delivered by", "Odovzdal", "Livré par", "Сдал", "Здав"),
    "received_by": ("Received by", "Prevzal", "Reçu par", "Принял", "Прийняв"),
    "signature_date": (
        "Signature and date",
        "Podpis a dátum",
        "Signature et date",
        "Подпись и дата",
        "Підпис і дата",
    ),
    "purchase_order": (
        "Purchase order",
        "Objednávka",
        "Bon de commande",
        "Заказ поставщику",
        "Замовлення постачальнику",
    ),
    "vendor": ("Vendor", "Dodávateľ", "Fournisseur", "Поставщик", "Постачальник"),
    "deliver_to": (
        "Deliver to",
        "Dodať na adresu",
        "Livrer à",
        "Доставить по адресу",
        "Доставити за адресою",
    ),
    "delivery_notes": (
        "Delivery instructions",
        "Pokyny k dodaniu",
        "Instructions de livraison",
        "Указания по доставке",
        "Вказівки щодо доставки",
    ),
    "expected_date": (
        "Expected delivery",
        "Očakávané dodanie",
        "Livraison prévue",
        "Ожидаемая поставка",
        "Очікувана поставка",
    ),
    "unit_cost": ("Unit cost", "Jedn. cena", "Prix unitaire", "Цена за ед.", "Ціна за од."),
    "order_total": ("Total", "Spolu", "Total", "Итого", "Разом"),
    "customer_order": ("Customer order", "Zákazka", "Commande client", "Заказ клиента", "Замовлення клієнта"),
    "purchase_order_mail": (
        "Please find attached our purchase order {number}. Kindly confirm the order and its delivery date.",
        "V prílohe Vám posielame našu objednávku {number}. Prosíme o potvrdenie objednávky a termínu "
        "dodania.",
        "Veuillez trouver ci-joint notre bon de commande {number}. Merci de confirmer la commande et sa date "
        "de livraison.",
        "Во вложении наш заказ {number}. Просим подтвердить заказ и срок поставки.",
        "У вкладенні наше замовлення {number}. Просимо підтвердити замовлення і термін поставки.",
    ),
    "reverse_charge": (
        REVERSE_CHARGE_NOTE,
        "Prenesenie daňovej povinnosti: DPH odvedie odberateľ (IČ DPH {tax_id}).",
        "Autoliquidation : la TVA est due par le preneur (n° TVA {tax_id}).",
        "Обратное начисление: НДС уплачивает покупатель (налоговый номер {tax_id}).",
        "Зворотне нарахування: ПДВ сплачує покупець (податковий номер {tax_id}).",
    ),
}

_REVERSE_CHARGE = re.compile(re.escape(REVERSE_CHARGE_NOTE).replace(re.escape("{tax_id}"), "(?P<tax_id>.*)"))


def document_locale(locale: str | None) -> str:
    code = (locale or "").strip().lower().replace("-", "_").split("_")[0]
    return code if code in LOCALES else DEFAULT_LOCALE


def labels(locale: str) -> dict[str, str]:
    """Every label in `locale` (or English)."""
    return _labels(document_locale(locale))


@cache
def _labels(locale: str) -> dict[str, str]:
    column = LOCALES.index(locale)
    return {name: words[column] for name, words in _TABLE.items()}


def translated_note(note: str, locale: str) -> str:
    """The invoice note in `locale` when it is one the billing run writes (reverse charge), else as stored."""
    found = _REVERSE_CHARGE.fullmatch(note.strip())
    if not found:
        return note
    return labels(locale)["reverse_charge"].format(tax_id=found.group("tax_id"))
