"""The signup page of the portal (B6, B1): the offer, the customer's details, options and terms."""

from __future__ import annotations

from chalicelib.domain.portal_labels import Words

WORDS: dict[str, Words] = {
    "signup_title": ("Sign up", "Registrácia", "Inscription", "Оформление", "Оформлення"),
    "signup_offer": ("Your offer", "Vaša ponuka", "Votre offre", "Ваше предложение", "Ваша пропозиція"),
    "signup_billed": ("Billed every", "Účtované každý", "Facturé chaque", "Оплата каждый", "Оплата кожен"),
    "signup_options_optional": (
        "Add any you want; you can change them later.",
        "Pridajte si, čo chcete; neskôr ich môžete zmeniť.",
        "Ajoutez celles que vous voulez ; vous pourrez les changer plus tard.",
        "Добавьте нужные; позже их можно изменить.",
        "Додайте потрібні; пізніше їх можна змінити.",
    ),
    "signup_options_help": (
        "Choose at least one.",
        "Vyberte aspoň jeden.",
        "Choisissez-en au moins une.",
        "Выберите хотя бы одну.",
        "Виберіть хоча б одну.",
    ),
    "signup_option_price": (
        "{price} every {period}",
        "{price} každý {period}",
        "{price} chaque {period}",
        "{price} каждый {period}",
        "{price} кожен {period}",
    ),
    "signup_setup_fee": (
        "plus a one-off setup fee of {fee}",
        "plus jednorazový zriaďovací poplatok {fee}",
        "plus des frais de mise en service de {fee}",
        "плюс разовая плата за подключение {fee}",
        "плюс разова плата за підключення {fee}",
    ),
    "signup_company_heading": (
        "Your company",
        "Vaša firma",
        "Votre entreprise",
        "Ваша компания",
        "Ваша компанія",
    ),
    "signup_company": (
        "Company name",
        "Názov firmy",
        "Nom de l'entreprise",
        "Название компании",
        "Назва компанії",
    ),
    "signup_tax_id": (
        "VAT / tax id (optional)",
        "IČ DPH / DIČ (nepovinné)",
        "N° de TVA (facultatif)",
        "ИНН / VAT (необязательно)",
        "ІПН / VAT (необов'язково)",
    ),
    "signup_contact_heading": (
        "Contact person",
        "Kontaktná osoba",
        "Personne de contact",
        "Контактное лицо",
        "Контактна особа",
    ),
    "signup_phone": (
        "Phone (optional)",
        "Telefón (nepovinné)",
        "Téléphone (facultatif)",
        "Телефон (необязательно)",
        "Телефон (необов'язково)",
    ),
    "signup_accept_terms": (
        "I accept the offer and its terms",
        "Prijímam ponuku a jej podmienky",
        "J'accepte l'offre et ses conditions",
        "Я принимаю предложение и его условия",
        "Я приймаю пропозицію та її умови",
    ),
    "signup_save_card": (
        "Take me to save a payment card right after signing up",
        "Po registrácii chcem hneď uložiť platobnú kartu",
        "Enregistrer une carte de paiement juste après l'inscription",
        "Сразу после оформления сохранить платёжную карту",
        "Одразу після оформлення зберегти платіжну картку",
    ),
    "signup_submit": (
        "Sign up and start the contract",
        "Registrovať a začať zmluvu",
        "S'inscrire et démarrer le contrat",
        "Оформить и начать договор",
        "Оформити та почати договір",
    ),
    "signup_starts": (
        "Your contract starts today. We will email you a link to your customer account.",
        "Vaša zmluva sa začína dnes. Pošleme vám e-mailom odkaz na váš zákaznícky účet.",
        "Votre contrat démarre aujourd'hui. Nous vous enverrons un lien vers votre espace client.",
        "Договор начинается сегодня. Мы пришлём ссылку на ваш личный кабинет.",
        "Договір починається сьогодні. Ми надішлемо посилання на ваш особистий кабінет.",
    ),
    "signup_check": (
        "Please check this field: {field}.",
        "Skontrolujte, prosím, toto pole: {field}.",
        "Veuillez vérifier ce champ : {field}.",
        "Проверьте, пожалуйста, поле: {field}.",
        "Перевірте, будь ласка, поле: {field}.",
    ),
    "signup_closed": (
        "This offer is no longer open. Please contact us.",
        "Táto ponuka už neplatí. Kontaktujte nás, prosím.",
        "Cette offre n'est plus valable. Veuillez nous contacter.",
        "Это предложение больше не действует. Свяжитесь с нами.",
        "Ця пропозиція більше не діє. Зв'яжіться з нами.",
    ),
}
