"""The words of the customer portal pages and link emails in each locale (X7).

Same shape as document_labels: every label is a 5-tuple in the order of LOCALES, so none is missing
in any language (mypy checks the tuple length). Placeholders in braces are filled with str.format.
"""

from __future__ import annotations

from functools import cache

from chalicelib.domain.document_labels import LOCALES, document_locale

Words = tuple[str, str, str, str, str]  # en, sk, fr, ru, uk

_TABLE: dict[str, Words] = {
    # Card page
    "card_title": (
        "Payment card",
        "Platobná karta",
        "Carte de paiement",
        "Платёжная карта",
        "Платіжна картка",
    ),
    "saved_card": (
        "Saved card",
        "Uložená karta",
        "Carte enregistrée",
        "Сохранённая карта",
        "Збережена картка",
    ),
    "no_card": (
        "No card saved yet.",
        "Zatiaľ nemáte uloženú kartu.",
        "Aucune carte enregistrée.",
        "Карта ещё не сохранена.",
        "Картку ще не збережено.",
    ),
    "add_card": (
        "Save a card",
        "Uložiť kartu",
        "Enregistrer une carte",
        "Сохранить карту",
        "Зберегти картку",
    ),
    "replace_card": (
        "Replace the card",
        "Nahradiť kartu",
        "Remplacer la carte",
        "Заменить карту",
        "Замінити картку",
    ),
    "save_card": (
        "Save the card",
        "Uložiť kartu",
        "Enregistrer la carte",
        "Сохранить карту",
        "Зберегти картку",
    ),
    "card_saved": (
        "Your card has been saved.",
        "Vaša karta bola uložená.",
        "Votre carte a été enregistrée.",
        "Ваша карта сохранена.",
        "Вашу картку збережено.",
    ),
    "card_label": (
        "{brand} •••• {last4}, expires {month}/{year}",
        "{brand} •••• {last4}, platná do {month}/{year}",
        "{brand} •••• {last4}, expire fin {month}/{year}",
        "{brand} •••• {last4}, действует до {month}/{year}",
        "{brand} •••• {last4}, діє до {month}/{year}",
    ),
    "card_use_note": (
        "We charge this card when your invoices are due.",
        "Túto kartu zaťažíme pri splatnosti vašich faktúr.",
        "Nous débitons cette carte à l'échéance de vos factures.",
        "Мы списываем оплату с этой карты в срок оплаты счетов.",
        "Ми списуємо оплату з цієї картки в термін оплати рахунків.",
    ),
    "card_number": ("Card number", "Číslo karty", "Numéro de carte", "Номер карты", "Номер картки"),
    "exp_month": (
        "Expiry month (MM)",
        "Mesiac platnosti (MM)",
        "Mois d'expiration (MM)",
        "Месяц окончания (ММ)",
        "Місяць закінчення (ММ)",
    ),
    "exp_year": (
        "Expiry year (YYYY)",
        "Rok platnosti (RRRR)",
        "Année d'expiration (AAAA)",
        "Год окончания (ГГГГ)",
        "Рік закінчення (РРРР)",
    ),
    "cvc": ("CVC", "CVC", "CVC", "CVC", "CVC"),
    "stripe_note": (
        "Your card details go straight to our payment provider, Stripe: we never see or store them.",
        "Údaje karty idú priamo nášmu poskytovateľovi platieb Stripe: nikdy ich nevidíme ani neukladáme.",
        "Vos données de carte vont directement à notre prestataire de paiement, Stripe : nous ne les "
        "voyons ni ne les conservons.",
        "Данные карты передаются напрямую нашему платёжному провайдеру Stripe: мы их не видим и не храним.",
        "Дані картки передаються напряму нашому платіжному провайдеру Stripe: ми їх не бачимо "
        "і не зберігаємо.",
    ),
    "js_needed": (
        "Entering a card needs JavaScript switched on in your browser.",
        "Na zadanie karty musí byť v prehliadači zapnutý JavaScript.",
        "La saisie d'une carte nécessite JavaScript dans votre navigateur.",
        "Для ввода карты в браузере должен быть включён JavaScript.",
        "Для введення картки в браузері має бути увімкнено JavaScript.",
    ),
    "finish_card": (
        "Finish saving the card",
        "Dokončiť uloženie karty",
        "Terminer l'enregistrement de la carte",
        "Завершить сохранение карты",
        "Завершити збереження картки",
    ),
    # Pay page
    "pay_title": (
        "Pay invoice {number}",
        "Zaplatiť faktúru {number}",
        "Payer la facture {number}",
        "Оплатить счёт {number}",
        "Сплатити рахунок {number}",
    ),
    "invoice": ("Invoice", "Faktúra", "Facture", "Счёт", "Рахунок"),
    "amount_open": ("Amount due", "Suma na úhradu", "Montant dû", "К оплате", "До сплати"),
    "total": ("Invoice total", "Suma faktúry", "Total de la facture", "Сумма счёта", "Сума рахунку"),
    "due_date": ("Due date", "Dátum splatnosti", "Date d'échéance", "Срок оплаты", "Термін оплати"),
    "status": ("Status", "Stav", "Statut", "Статус", "Статус"),
    "status_open": ("open", "neuhradená", "à payer", "не оплачен", "не сплачено"),
    "status_part_paid": (
        "partly paid",
        "čiastočne uhradená",
        "payée en partie",
        "оплачен частично",
        "сплачено частково",
    ),
    "status_paid": ("paid", "uhradená", "payée", "оплачен", "сплачено"),
    "status_credited": ("credited", "dobropisovaná", "créditée", "возвращён", "повернуто"),
    "status_part_credited": (
        "partly credited",
        "čiastočne dobropisovaná",
        "créditée en partie",
        "частично возвращён",
        "частково повернуто",
    ),
    "pay_with": ("Pay with", "Zaplatiť kartou", "Payer avec", "Оплатить картой", "Сплатити карткою"),
    "pay_now": (
        "Pay {amount} now",
        "Zaplatiť {amount}",
        "Payer {amount}",
        "Оплатить {amount}",
        "Сплатити {amount}",
    ),
    "save_and_pay": (
        "Save the card and pay {amount}",
        "Uložiť kartu a zaplatiť {amount}",
        "Enregistrer la carte et payer {amount}",
        "Сохранить карту и оплатить {amount}",
        "Зберегти картку і сплатити {amount}",
    ),
    "use_other_card": (
        "Use another card",
        "Použiť inú kartu",
        "Utiliser une autre carte",
        "Использовать другую карту",
        "Використати іншу картку",
    ),
    "paid_thanks": (
        "This invoice is paid, thank you!",
        "Faktúra je uhradená, ďakujeme!",
        "Cette facture est payée, merci !",
        "Счёт оплачен, спасибо!",
        "Рахунок сплачено, дякуємо!",
    ),
    "nothing_to_pay": (
        "There is nothing left to pay on this invoice.",
        "Na tejto faktúre už nie je čo platiť.",
        "Il ne reste rien à payer sur cette facture.",
        "По этому счёту платить больше нечего.",
        "За цим рахунком більше нічого сплачувати.",
    ),
    "payment_failed": (
        "The payment did not go through: {message}",
        "Platba neprešla: {message}",
        "Le paiement n'a pas abouti : {message}",
        "Платёж не прошёл: {message}",
        "Платіж не пройшов: {message}",
    ),
    "payment_pending": (
        "Your payment is being processed. We will email you when it is confirmed.",
        "Vaša platba sa spracúva. Keď bude potvrdená, pošleme vám e-mail.",
        "Votre paiement est en cours. Nous vous écrirons dès qu'il sera confirmé.",
        "Ваш платёж обрабатывается. Мы сообщим по почте, когда он будет подтверждён.",
        "Ваш платіж обробляється. Ми повідомимо поштою, коли його буде підтверджено.",
    ),
    # Links that do not open
    "link_expired_title": (
        "This link has expired",
        "Platnosť odkazu vypršala",
        "Ce lien a expiré",
        "Срок действия ссылки истёк",
        "Термін дії посилання минув",
    ),
    "link_expired_text": (
        "For your security, our links work for a limited time only.",
        "Pre vašu bezpečnosť platia naše odkazy len obmedzený čas.",
        "Pour votre sécurité, nos liens ne fonctionnent que pendant une durée limitée.",
        "В целях безопасности наши ссылки действуют ограниченное время.",
        "З міркувань безпеки наші посилання діють обмежений час.",
    ),
    "link_revoked_title": (
        "This link is no longer valid",
        "Tento odkaz už neplatí",
        "Ce lien n'est plus valable",
        "Эта ссылка больше не действует",
        "Це посилання більше не діє",
    ),
    "link_revoked_text": (
        "This link has been withdrawn. Please contact us if you need a new one.",
        "Tento odkaz bol zrušený. Ak potrebujete nový, kontaktujte nás.",
        "Ce lien a été retiré. Contactez-nous si vous avez besoin d'un nouveau lien.",
        "Эта ссылка отозвана. Свяжитесь с нами, если вам нужна новая.",
        "Це посилання відкликано. Зв'яжіться з нами, якщо вам потрібне нове.",
    ),
    "link_unknown_title": (
        "This link is not valid",
        "Tento odkaz nie je platný",
        "Ce lien n'est pas valable",
        "Эта ссылка недействительна",
        "Це посилання недійсне",
    ),
    "link_unknown_text": (
        "Please check that you opened the whole link from our email, or contact us.",
        "Skontrolujte, či ste otvorili celý odkaz z nášho e-mailu, alebo nás kontaktujte.",
        "Vérifiez que vous avez ouvert le lien complet de notre e-mail, ou contactez-nous.",
        "Проверьте, что вы открыли ссылку из нашего письма целиком, или свяжитесь с нами.",
        "Перевірте, що ви відкрили посилання з нашого листа повністю, або зв'яжіться з нами.",
    ),
    "send_fresh": (
        "Email me a new link",
        "Poslať mi nový odkaz",
        "M'envoyer un nouveau lien",
        "Прислать новую ссылку",
        "Надіслати нове посилання",
    ),
    "fresh_to": (
        "We will send it to the email address we have on file: {email}",
        "Pošleme ho na e-mailovú adresu, ktorú evidujeme: {email}",
        "Nous l'enverrons à l'adresse e-mail enregistrée chez nous : {email}",
        "Мы отправим её на адрес, указанный у нас: {email}",
        "Ми надішлемо його на адресу, яку маємо: {email}",
    ),
    "fresh_sent": (
        "We have sent a new link to {email}. It may take a few minutes to arrive.",
        "Nový odkaz sme poslali na {email}. Doručenie môže trvať niekoľko minút.",
        "Nous avons envoyé un nouveau lien à {email}. Il peut mettre quelques minutes à arriver.",
        "Мы отправили новую ссылку на {email}. Письмо может прийти через несколько минут.",
        "Ми надіслали нове посилання на {email}. Лист може надійти за кілька хвилин.",
    ),
    "no_email": (
        "We have no email address on file for you: please contact us.",
        "Nemáme od vás e-mailovú adresu: kontaktujte nás, prosím.",
        "Nous n'avons pas votre adresse e-mail : merci de nous contacter.",
        "У нас нет вашего адреса эл. почты: пожалуйста, свяжитесь с нами.",
        "У нас немає вашої адреси ел. пошти: будь ласка, зв'яжіться з нами.",
    ),
    # Other errors
    "too_many": (
        "Too many attempts. Please try again in {minutes} minutes.",
        "Príliš veľa pokusov. Skúste to znova o {minutes} min.",
        "Trop de tentatives. Réessayez dans {minutes} minutes.",
        "Слишком много попыток. Повторите через {minutes} мин.",
        "Забагато спроб. Спробуйте ще раз через {minutes} хв.",
    ),
    "too_many_title": (
        "Too many attempts",
        "Príliš veľa pokusov",
        "Trop de tentatives",
        "Слишком много попыток",
        "Забагато спроб",
    ),
    "form_expired": (
        "This form has expired. Please reload the page and try again.",
        "Platnosť formulára vypršala. Načítajte stránku znova a skúste to ešte raz.",
        "Ce formulaire a expiré. Rechargez la page et réessayez.",
        "Срок действия формы истёк. Обновите страницу и попробуйте снова.",
        "Термін дії форми минув. Оновіть сторінку і спробуйте ще раз.",
    ),
    "error_title": (
        "Something went wrong",
        "Niečo sa pokazilo",
        "Une erreur s'est produite",
        "Что-то пошло не так",
        "Щось пішло не так",
    ),
    "error_text": (
        "Please try again in a few minutes. If it keeps happening, contact us.",
        "Skúste to znova o niekoľko minút. Ak sa to opakuje, kontaktujte nás.",
        "Réessayez dans quelques minutes. Si le problème persiste, contactez-nous.",
        "Попробуйте через несколько минут. Если ошибка повторится, свяжитесь с нами.",
        "Спробуйте за кілька хвилин. Якщо помилка повториться, зв'яжіться з нами.",
    ),
    "contact": (
        "Questions? Write to",
        "Otázky? Napíšte na",
        "Des questions ? Écrivez à",
        "Вопросы? Пишите на",
        "Питання? Пишіть на",
    ),
    # Emails
    "greeting": (
        "Dear {name},",
        "Dobrý deň, {name},",
        "Bonjour {name},",
        "Здравствуйте, {name}!",
        "Добрий день, {name}!",
    ),
    "mail_card_subject": (
        "Save your payment card for {company}",
        "Uložte si platobnú kartu pre {company}",
        "Enregistrez votre carte de paiement pour {company}",
        "Сохраните платёжную карту для {company}",
        "Збережіть платіжну картку для {company}",
    ),
    "mail_card_body": (
        "please use the link below to save or update the card we charge for your invoices.",
        "cez odkaz nižšie si môžete uložiť alebo zmeniť kartu, ktorou platíte naše faktúry.",
        "utilisez le lien ci-dessous pour enregistrer ou mettre à jour la carte débitée pour vos factures.",
        "по ссылке ниже вы можете сохранить или изменить карту для оплаты наших счетов.",
        "за посиланням нижче ви можете зберегти або змінити картку для оплати наших рахунків.",
    ),
    "mail_fresh_subject": (
        "Your new link from {company}",
        "Váš nový odkaz od {company}",
        "Votre nouveau lien de {company}",
        "Ваша новая ссылка от {company}",
        "Ваше нове посилання від {company}",
    ),
    "mail_fresh_body": (
        "here is the new link you asked for.",
        "posielame nový odkaz, o ktorý ste požiadali.",
        "voici le nouveau lien que vous avez demandé.",
        "вот новая ссылка, которую вы запросили.",
        "ось нове посилання, яке ви запросили.",
    ),
    "mail_valid_until": (
        "The link works until {date} and only for you: please do not forward it.",
        "Odkaz platí do {date} a len pre vás: neposielajte ho, prosím, ďalej.",
        "Le lien est valable jusqu'au {date} et pour vous seul : merci de ne pas le transférer.",
        "Ссылка действует до {date} и только для вас: пожалуйста, не пересылайте её.",
        "Посилання діє до {date} і лише для вас: будь ласка, не пересилайте його.",
    ),
    "mail_not_you": (
        "If you did not expect this email, you can ignore it.",
        "Ak ste tento e-mail nečakali, môžete ho ignorovať.",
        "Si vous n'attendiez pas cet e-mail, vous pouvez l'ignorer.",
        "Если вы не ждали этого письма, просто проигнорируйте его.",
        "Якщо ви не чекали цього листа, просто проігноруйте його.",
    ),
    "regards": ("Kind regards,", "S pozdravom", "Cordialement,", "С уважением,", "З повагою,"),
}

_STATUS = {
    "open": "status_open",
    "part paid": "status_part_paid",
    "paid": "status_paid",
    "credited": "status_credited",
    "part credited": "status_part_credited",
}


def portal_locale(locale: str | None) -> str:
    return document_locale(locale)


def labels(locale: str | None) -> dict[str, str]:
    """Every portal label in `locale` (or English)."""
    return _labels(portal_locale(locale))


def _all_words() -> dict[str, Words]:
    """This module's table and every table in chalicelib/domain/portal_words/ (one module per portal
    area, each with WORDS); a label defined twice is a bug, refused here (and so by the tests)."""
    import importlib
    import pkgutil

    from chalicelib.domain import portal_words

    table = dict(_TABLE)
    for info in sorted(pkgutil.iter_modules(portal_words.__path__), key=lambda i: i.name):
        words: dict[str, Words] = importlib.import_module(f"{portal_words.__name__}.{info.name}").WORDS
        twice = table.keys() & words.keys()
        if twice:
            raise ValueError(f"portal labels defined twice: {', '.join(sorted(twice))}")
        table.update(words)
    return table


@cache
def _labels(locale: str) -> dict[str, str]:
    column = LOCALES.index(locale)
    return {name: words[column] for name, words in _all_words().items()}


def status_label(payment_status: str, locale: str | None) -> str:
    key = _STATUS.get(payment_status)
    return labels(locale)[key] if key else payment_status


def from_accept_language(header: str | None) -> str:
    """The first supported language of an Accept-Language header (pages before we know the customer)."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in LOCALES:
            return code
    return LOCALES[0]
