"""Stripe behind a small interface: customers, saved cards, off-session charges and refunds.

Only this module talks to Stripe. The stripe package is imported on first use, not at import,
so it stays out of every cold start that does not take a payment. Failures come back as
GatewayError (permanent) or GatewayUnavailable (retry later); their messages are shown to staff,
so they are plain sentences and never contain an API key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.money import plain_amount

if TYPE_CHECKING:
    import stripe
    from stripe.params import CustomerCreateParams, PaymentIntentCreateParams, PaymentIntentListParams


class GatewayError(Exception):
    """A permanent failure: repeating the same request will fail the same way."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GatewayUnavailable(GatewayError):
    """Stripe could not be asked (network, timeout, HTTP 5xx, rate limit): try again later."""

    def __init__(self, message: str, *, outcome_unknown: bool) -> None:
        super().__init__(message)
        # True when the request may have reached Stripe: look the result up before repeating it.
        self.outcome_unknown = outcome_unknown


class CardRefused(GatewayError):
    """The card could not be saved (declined or invalid details)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CardDetails:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    stripe_customer_id: str = ""  # whose card it is ("cus_..."): a setup for another customer is refused


@dataclass(frozen=True)
class SetupStart:
    setup_intent_id: str
    client_secret: str


@dataclass(frozen=True)
class Charge:
    intent_id: str
    status: str  # "succeeded" | "processing" | "requires_action" | "failed"
    amount_minor: int
    currency: str  # upper case, as everywhere else in the CRM
    decline_code: str = ""
    message: str = ""
    charge_id: str = ""


@dataclass(frozen=True)
class Refund:
    refund_id: str
    status: str  # Stripe's: "succeeded" | "pending" | "failed" | ...
    amount_minor: int


class PaymentGateway(Protocol):
    def create_customer(self, *, customer_id: str, name: str, email: str) -> str: ...

    def start_card_setup(self, stripe_customer_id: str) -> SetupStart: ...

    def confirm_card_setup_dev(
        self, setup_intent_id: str, *, number: str, exp_month: int, exp_year: int, cvc: str
    ) -> CardDetails: ...

    def card_of_setup(self, setup_intent_id: str) -> CardDetails: ...

    def card(self, payment_method_id: str) -> CardDetails: ...

    def charge(
        self,
        *,
        stripe_customer_id: str,
        payment_method_id: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> Charge: ...

    def find_charge(self, *, stripe_customer_id: str, attempt_key: str) -> Charge | None: ...

    def payment_intent(self, intent_id: str) -> Charge: ...

    def refund(self, *, intent_id: str, amount_minor: int, idempotency_key: str) -> Refund: ...


ATTEMPT_KEY = "crm_attempt"  # PaymentIntent metadata: finds the intent of an attempt whose answer was lost
REFUND_KEY = "crm_refund"  # Refund metadata: the same for refunds
_SECRET = re.compile(r"\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9*]+")


class StripeGateway:
    def __init__(self, api_key: str, *, api_base: str | None = None, timeout: float = 20.0) -> None:
        self._api_key = api_key
        self._api_base = api_base
        self._timeout = timeout
        # api_base is only set for localstripe, which speaks an older API: see charge() and find_charge().
        self._localstripe = api_base is not None
        self._client: stripe.StripeClient | None = None

    @property
    def _stripe(self) -> stripe.StripeClient:
        if self._client is None:
            import stripe

            self._client = stripe.StripeClient(
                self._api_key,
                base_addresses={"api": self._api_base} if self._api_base else None,
                # We retry on our own schedule; idempotency keys make those retries safe.
                max_network_retries=0,
                http_client=stripe.RequestsClient(timeout=self._timeout),
            )
        return self._client

    def create_customer(self, *, customer_id: str, name: str, email: str) -> str:
        params: CustomerCreateParams = {"metadata": {"crm_customer_id": customer_id}}
        if name:
            params["name"] = name
        if email:
            params["email"] = email
        with self._errors("creating the Stripe customer"):
            customer = self._stripe.v1.customers.create(
                params=params,
                options={"idempotency_key": f"crm-customer-{customer_id}"},
            )
        return str(customer.id)

    def start_card_setup(self, stripe_customer_id: str) -> SetupStart:
        with self._errors("starting the card setup"):
            intent = self._stripe.v1.setup_intents.create(
                params={"customer": stripe_customer_id, "usage": "off_session"}
            )
        return SetupStart(setup_intent_id=intent.id, client_secret=intent.client_secret or "")

    def confirm_card_setup_dev(
        self, setup_intent_id: str, *, number: str, exp_month: int, exp_year: int, cvc: str
    ) -> CardDetails:
        """The local card form: raw card numbers reach localstripe, never a real Stripe account."""
        import stripe

        digits = re.sub(r"[\s-]", "", number)
        with self._errors("saving the card"):
            intent = self._stripe.v1.setup_intents.retrieve(setup_intent_id)
            try:
                method = self._stripe.v1.payment_methods.create(
                    params={
                        "type": "card",
                        "card": {
                            "number": digits,
                            "exp_month": exp_month,
                            "exp_year": exp_year,
                            "cvc": cvc.strip(),
                        },
                    }
                )
            except stripe.CardError as err:
                raise CardRefused(_card_refusal(err), code=err.code or "card_declined") from None
            except stripe.InvalidRequestError as err:
                # The card is the only input of this request, so a refusal means its details are wrong.
                raise CardRefused(
                    "The card details are not valid: check the number, the expiry date and the CVC.",
                    code=err.code or "invalid_card",
                ) from None
            try:
                if intent.customer:
                    self._stripe.v1.payment_methods.attach(
                        method.id, params={"customer": str(intent.customer)}
                    )
                intent = self._stripe.v1.setup_intents.confirm(
                    setup_intent_id, params={"payment_method": method.id}
                )
            except stripe.CardError as err:
                raise CardRefused(_card_refusal(err), code=err.code or "card_declined") from None
        if intent.status != "succeeded":
            raise CardRefused(
                "This card needs the bank's authentication (3-D Secure), which the development form "
                "cannot do: use another test card.",
                code="authentication_required",
            )
        return _card_details(method.to_dict(), customer=str(intent.customer or ""))

    def card_of_setup(self, setup_intent_id: str) -> CardDetails:
        with self._errors("reading the saved card"):
            intent = self._stripe.v1.setup_intents.retrieve(
                setup_intent_id, params={"expand": ["payment_method"]}
            )
        data = intent.to_dict()
        method = data.get("payment_method")
        if data.get("status") != "succeeded" or not isinstance(method, dict):
            raise GatewayError(f"The card setup is not finished (Stripe status: {data.get('status')}).")
        # The SetupIntent's customer: localstripe does not attach the card to it when confirming.
        return _card_details(method, customer=str(data.get("customer") or ""))

    def card(self, payment_method_id: str) -> CardDetails:
        with self._errors("reading the saved card"):
            method = self._stripe.v1.payment_methods.retrieve(payment_method_id)
        return _card_details(method.to_dict())

    def charge(
        self,
        *,
        stripe_customer_id: str,
        payment_method_id: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> Charge:
        import stripe

        params: PaymentIntentCreateParams = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "customer": stripe_customer_id,
            "payment_method": payment_method_id,
            "off_session": True,
            "confirm": True,
            "metadata": {**metadata, ATTEMPT_KEY: idempotency_key},
        }
        if not self._localstripe:  # localstripe refuses the parameter
            # Otherwise Stripe asks for a return_url in case the method redirects; a saved card never does.
            params["automatic_payment_methods"] = {"enabled": True, "allow_redirects": "never"}
        with self._errors("charging the card"):
            try:
                intent = self._stripe.v1.payment_intents.create(
                    params=params, options={"idempotency_key": idempotency_key}
                )
            except stripe.CardError as err:
                # A decline is an answer, not an error: Stripe raises it with HTTP 402.
                return Charge(
                    intent_id=self._intent_of_decline(err),
                    status="failed",
                    amount_minor=amount_minor,
                    currency=currency.upper(),
                    decline_code=_decline_code(err.error.to_dict() if err.error else {}) or "card_declined",
                    message=_card_refusal(err),
                    charge_id=str(err.error.charge or "") if err.error else "",
                )
        return _charge(intent.to_dict())

    def find_charge(self, *, stripe_customer_id: str, attempt_key: str) -> Charge | None:
        params: PaymentIntentListParams = {"limit": 100}
        if not self._localstripe:  # localstripe cannot filter by customer: the loop below does
            params["customer"] = stripe_customer_id
        with self._errors("looking up the payment"):
            intents = self._stripe.v1.payment_intents.list(params=params)
            for intent in intents.auto_paging_iter():
                data = intent.to_dict()
                if (
                    data.get("customer") == stripe_customer_id
                    and (data.get("metadata") or {}).get(ATTEMPT_KEY) == attempt_key
                ):
                    return _charge(data)
        return None

    def payment_intent(self, intent_id: str) -> Charge:
        with self._errors("looking up the payment"):
            intent = self._stripe.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]})
        return _charge(intent.to_dict())

    def refund(self, *, intent_id: str, amount_minor: int, idempotency_key: str) -> Refund:
        if amount_minor <= 0:
            raise GatewayError("A refund must be for a positive amount.")
        with self._errors("refunding the payment"):
            intent = self._stripe.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]})
            data = intent.to_dict()
            charge = _latest_charge(data)
            if data.get("status") != "succeeded" or not isinstance(charge, dict):
                raise GatewayError("Only a completed payment can be refunded; this one was not taken.")
            # localstripe ignores idempotency keys: find a refund this key already made before checking
            # what is left, or a repeated request would look like a refund above the paid amount.
            for refund in self._stripe.v1.refunds.list(
                params={"payment_intent": intent_id, "limit": 100}
            ).auto_paging_iter():
                if (refund.to_dict().get("metadata") or {}).get(REFUND_KEY) == idempotency_key:
                    return Refund(refund.id, str(refund.status), int(refund.amount or 0))
            left = int(charge.get("amount") or 0) - int(charge.get("amount_refunded") or 0)
            if amount_minor > left:
                currency = str(data.get("currency", "")).upper()
                raise GatewayError(
                    f"The refund of {plain_amount(amount_minor, currency)} {currency} is more than the "
                    f"{plain_amount(left, currency)} {currency} left to refund on this payment."
                )
            refund = self._stripe.v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "amount": amount_minor,
                    "metadata": {REFUND_KEY: idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        return Refund(refund.id, str(refund.status), int(refund.amount))

    def _intent_of_decline(self, err: stripe.CardError) -> str:
        """Stripe names the declined PaymentIntent in the error; localstripe only names its charge."""
        import stripe

        if err.error is None:
            return ""
        if err.error.payment_intent:
            return str(err.error.payment_intent.id)
        if not err.error.charge:
            return ""
        try:
            return str(self._stripe.v1.charges.retrieve(err.error.charge).payment_intent or "")
        except stripe.StripeError:
            return ""  # the decline stands; find_charge can still name the intent later

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turns the SDK's exceptions into GatewayError / GatewayUnavailable with a sentence for staff."""
        import stripe

        try:
            yield
        except stripe.StripeError as err:
            raise translate(err, doing, self._api_key) from None


def translate(err: stripe.StripeError, doing: str, api_key: str = "") -> GatewayError:
    import stripe

    status = err.http_status
    if isinstance(err, stripe.APIConnectionError):
        return GatewayUnavailable(
            f"Stripe did not answer while {doing} (network error or timeout); it may or may not have "
            "been done, and is checked before it is tried again.",
            outcome_unknown=True,
        )
    if isinstance(err, stripe.RateLimitError):
        return GatewayUnavailable(
            f"Stripe is limiting how fast we may call it, so {doing} was not done; it is tried again later.",
            outcome_unknown=False,
        )
    if isinstance(err, stripe.APIError) and (status is None or status >= 500 or status == 409):
        # A 5xx can come after Stripe acted; a 409 is a request with the same key still running.
        return GatewayUnavailable(
            f"Stripe had a temporary problem (HTTP {status or 'error'}) while {doing}; it may or may not "
            "have been done, and is checked before it is tried again.",
            outcome_unknown=True,
        )
    if isinstance(err, stripe.AuthenticationError):
        return GatewayError(f"Stripe did not accept our API key while {doing}: check CRM_STRIPE_API_KEY.")
    if isinstance(err, stripe.PermissionError):
        return GatewayError(f"Our Stripe API key is not allowed to do this ({doing}): check its permissions.")
    detail = _clean(err.user_message or "", api_key).rstrip(".") or f"HTTP {status}"
    if isinstance(err, stripe.CardError):
        return GatewayError(f"The card was declined while {doing}: {detail}.")
    return GatewayError(f"Stripe refused {doing}: {detail}.")


def _clean(text: str, api_key: str) -> str:
    """Stripe's own message, without anything that looks like a secret key."""
    if api_key:
        text = text.replace(api_key, "[key]")
    return _SECRET.sub("[key]", text).strip()


def _card_refusal(err: stripe.CardError) -> str:
    reason = _clean(err.user_message or "", "")
    return reason or "The card was declined."


def _decline_code(error: dict[str, Any]) -> str:
    # Stripe gives a specific decline_code ("insufficient_funds"); localstripe only code "card_declined".
    return str(error.get("decline_code") or error.get("code") or "")


def _card_details(method: dict[str, Any], *, customer: str = "") -> CardDetails:
    card = method.get("card") or {}
    if method.get("type") != "card" or not card:
        raise GatewayError(f"The saved payment method {method.get('id')} is not a card.")
    return CardDetails(
        payment_method_id=str(method["id"]),
        brand=str(card.get("brand") or "card"),
        last4=str(card.get("last4") or ""),
        exp_month=int(card.get("exp_month") or 0),
        exp_year=int(card.get("exp_year") or 0),
        stripe_customer_id=customer or str(method.get("customer") or ""),
    )


def _latest_charge(intent: dict[str, Any]) -> dict[str, Any] | str | None:
    """The current API has `latest_charge` (an id, or the object if expanded); old ones a `charges` list."""
    latest = intent.get("latest_charge")
    if latest:
        return latest
    charges = (intent.get("charges") or {}).get("data") or []
    return charges[0] if charges else None


_STATUSES = {
    "succeeded": "succeeded",
    "processing": "processing",
    "requires_capture": "processing",
    "requires_action": "requires_action",
}


def _charge(intent: dict[str, Any]) -> Charge:
    """Our view of a PaymentIntent. Anything that is not on its way to being paid counts as failed."""
    status = _STATUSES.get(str(intent.get("status")), "failed")
    error = intent.get("last_payment_error") or {}
    latest = _latest_charge(intent)
    charge = latest if isinstance(latest, dict) else {}
    decline = _decline_code(error) or str(charge.get("failure_code") or "")
    message = str(error.get("message") or charge.get("failure_message") or "")
    if status == "failed" and intent.get("status") == "canceled":
        decline, message = decline or "canceled", message or "The payment was canceled."
    elif status == "failed":  # a failure always says why, even when Stripe does not
        decline, message = decline or "payment_failed", message or "The payment did not go through."
    return Charge(
        intent_id=str(intent["id"]),
        status=status,
        amount_minor=int(intent.get("amount") or 0),
        currency=str(intent.get("currency") or "").upper(),
        decline_code=decline if status == "failed" else "",
        message=_clean(message, "") if status == "failed" else "",
        charge_id=str(charge.get("id") or "") if charge else str(latest or ""),
    )
