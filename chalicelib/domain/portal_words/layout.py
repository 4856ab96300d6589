"""The portal layout's navigation (shown on pages opened by a portal link)."""

from __future__ import annotations

from chalicelib.domain.portal_labels import Words

WORDS: dict[str, Words] = {
    "nav_label": ("Your account", "Váš účet", "Votre compte", "Ваш аккаунт", "Ваш обліковий запис"),
    "nav_overview": ("Overview", "Prehľad", "Vue d'ensemble", "Обзор", "Огляд"),
    "nav_details": ("My details", "Moje údaje", "Mes coordonnées", "Мои данные", "Мої дані"),
}
