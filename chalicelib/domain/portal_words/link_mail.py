"""The emails that carry a link (services/link_mail.py): portal, quote, payment and signup links."""

from __future__ import annotations

from chalicelib.domain.portal_labels import Words

WORDS: dict[str, Words] = {
    "linkmail_hello": ("Hello,", "Dobrý deň,", "Bonjour,", "Здравствуйте!", "Добрий день!"),
    "linkmail_portal_subject": (
        "Your customer account at {company}",
        "Váš zákaznícky účet v {company}",
        "Votre espace client chez {company}",
        "Ваш личный кабинет в {company}",
        "Ваш особистий кабінет у {company}",
    ),
    "linkmail_portal_body": (
        "with the link below you can see your contracts, invoices and payments, update your details "
        "and manage your payment card, without a password.",
        "cez odkaz nižšie uvidíte svoje zmluvy, faktúry a platby, môžete upraviť svoje údaje a platobnú "
        "kartu, bez hesla.",
        "avec le lien ci-dessous, vous consultez vos contrats, factures et paiements, modifiez vos "
        "coordonnées et votre carte de paiement, sans mot de passe.",
        "по ссылке ниже вы увидите свои договоры, счета и платежи, сможете изменить свои данные и "
        "платёжную карту, без пароля.",
        "за посиланням нижче ви побачите свої договори, рахунки та платежі, зможете змінити свої дані "
        "та платіжну картку, без пароля.",
    ),
    "linkmail_quote_subject": (
        "Quote {number} from {company}",
        "Cenová ponuka {number} od {company}",
        "Devis {number} de {company}",
        "Коммерческое предложение {number} от {company}",
        "Комерційна пропозиція {number} від {company}",
    ),
    "linkmail_quote_body": (
        "here is our quote {number}. With the link below you can read it, accept or decline it, or "
        "send us a question.",
        "posielame cenovú ponuku {number}. Cez odkaz nižšie si ju prečítate, môžete ju prijať alebo "
        "odmietnuť, alebo nám poslať otázku.",
        "voici notre devis {number}. Avec le lien ci-dessous, vous pouvez le lire, l'accepter ou le "
        "refuser, ou nous poser une question.",
        "направляем наше предложение {number}. По ссылке ниже его можно прочитать, принять или "
        "отклонить, или задать нам вопрос.",
        "надсилаємо нашу пропозицію {number}. За посиланням нижче її можна прочитати, прийняти або "
        "відхилити, або поставити нам запитання.",
    ),
    "linkmail_payment_subject": (
        "Pay invoice {number} from {company}",
        "Úhrada faktúry {number} od {company}",
        "Paiement de la facture {number} de {company}",
        "Оплата счёта {number} от {company}",
        "Оплата рахунку {number} від {company}",
    ),
    "linkmail_payment_body": (
        "with the link below you can pay invoice {number} by card.",
        "cez odkaz nižšie môžete faktúru {number} zaplatiť kartou.",
        "avec le lien ci-dessous, vous pouvez payer la facture {number} par carte.",
        "по ссылке ниже можно оплатить счёт {number} картой.",
        "за посиланням нижче можна сплатити рахунок {number} карткою.",
    ),
    "linkmail_signup_subject": (
        "Your offer from {company}: {number}",
        "Vaša ponuka od {company}: {number}",
        "Votre offre de {company} : {number}",
        "Ваше предложение от {company}: {number}",
        "Ваша пропозиція від {company}: {number}",
    ),
    "linkmail_signup_body": (
        "with the link below you can sign up for {number}: fill in your details, choose your options "
        "and start your contract.",
        "cez odkaz nižšie sa môžete prihlásiť na {number}: vyplňte svoje údaje, vyberte si možnosti "
        "a začnite zmluvu.",
        "avec le lien ci-dessous, vous pouvez souscrire à {number} : indiquez vos coordonnées, choisissez "
        "vos options et démarrez votre contrat.",
        "по ссылке ниже можно оформить {number}: заполните свои данные, выберите опции и начните договор.",
        "за посиланням нижче можна оформити {number}: заповніть свої дані, виберіть опції та почніть "
        "договір.",
    ),
}
