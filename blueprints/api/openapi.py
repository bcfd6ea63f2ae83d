"""The OpenAPI 3.1 document, generated from schemas.py (the models the views validate with)
and the route table below; tests check that the table and the app's URL map agree."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from blueprints.api import (
    exchange_schemas,
    meeting_schemas,
    message_schemas,
    orgs_schemas,
    question_schemas,
    records_schemas,
    schemas,
    webhook_schemas,
)

REF = "#/components/schemas/{model}"

ERROR_DESCRIPTIONS = {
    400: "The body is not a JSON object sent as application/json.",
    401: "No bearer token, or one that is unknown or revoked.",
    403: "The caller may see this but not do it (e.g. organizers only).",
    404: "Not found, or not visible to the caller (drafts, audience-restricted events, "
         "other people's registrations).",
    409: "The action conflicts with the current state (e.g. approving a cancelled registration).",
    413: "The request body is larger than the endpoint accepts (uploads: MATERIAL_MAX_BYTES).",
    422: "Invalid fields; `error.fields` maps each field to its message.",
    429: "Too many requests for this token.",
}
DOMAIN = (403, 409, 422)  # what a DomainError from liaison.* may answer


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI template, after /api/v1
    operation_id: str
    summary: str
    ok: tuple[int, type[BaseModel] | None]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    tags: tuple[str, ...] = field(default=())
    public: bool = False
    ok_headers: tuple[tuple[str, str], ...] = ()  # (name, description) on the success answer
    also_ok: tuple[int, str] | None = None  # a second success status, same model: its meaning
    body_optional: bool = False  # the body may be left out
    form: type[BaseModel] | None = None  # a multipart/form-data body (uploads)


REG_ACTION_ERRORS = (404, *DOMAIN)


def webhook_operations() -> tuple[Operation, ...]:
    """/webhooks: the caller's own subscriptions (organizers and admins may add them)."""
    w = webhook_schemas
    tags = ("webhooks",)
    return (
        Operation("get", "/webhooks", "listWebhooks", "The caller's webhook subscriptions.",
                  (200, w.WebhookPage), (422,), query=schemas.Query, tags=tags),
        Operation("post", "/webhooks", "createWebhook",
                  "Subscribe a URL to event types; the answer holds the signing secret (shown "
                  "once). Organizers and administrators.",
                  (201, w.WebhookCreated), (400, *DOMAIN), body=w.WebhookCreate, tags=tags,
                  ok_headers=(("Location", "The new subscription's URL."),)),
        Operation("get", "/webhooks/{webhook_id}", "getWebhook", "One of the caller's webhooks.",
                  (200, w.WebhookOut), (404,), tags=tags),
        Operation("patch", "/webhooks/{webhook_id}", "updateWebhook",
                  "Change the fields sent; `active` switches it off or on again.",
                  (200, w.WebhookOut), (400, 404, *DOMAIN), body=w.WebhookPatch, tags=tags),
        Operation("delete", "/webhooks/{webhook_id}", "deleteWebhook",
                  "Delete a webhook and its delivery log.", (204, None), (404,), tags=tags),
        Operation("get", "/webhooks/{webhook_id}/deliveries", "listWebhookDeliveries",
                  "The delivery log, newest first, with the receiver's answers.",
                  (200, w.DeliveryPage), (404, 422), query=w.DeliveryQuery, tags=tags),
        Operation("post", "/webhooks/{webhook_id}/deliveries/{delivery_id}/resend",
                  "resendWebhookDelivery",
                  "Send a delivery again now (same message, a fresh set of attempts).",
                  (200, w.DeliveryOut), (404, *DOMAIN), tags=tags),
    )

OPERATIONS: tuple[Operation, ...] = (
    Operation("get", "/openapi.json", "getOpenApi", "This document.", (200, None),
              tags=("meta",), public=True),
    Operation("get", "/me", "getMe", "The caller's account and personal feed URL.",
              (200, schemas.MeOut), tags=("account",)),
    Operation("post", "/me/calendar-token", "rotateCalendarToken",
              "Rotate the personal feed token; the old feed URL stops working.",
              (200, schemas.CalendarTokenOut), tags=("account",)),
    Operation("get", "/organizations", "listOrganizations", "Organizations, by name.",
              (200, schemas.OrganizationPage), (422,), query=schemas.OrganizationQuery,
              tags=("organizations",)),
    Operation("get", "/events", "listEvents",
              "Events the caller may see, soonest first, filtered by kind, topic, host and time.",
              (200, schemas.EventPage), (422,), query=schemas.EventQuery, tags=("events",)),
    Operation("post", "/events", "createEvent",
              "Create a draft event (organizers and administrators).",
              (201, schemas.EventOut), (400, *DOMAIN), body=schemas.EventCreate, tags=("events",),
              ok_headers=(("Location", "The new event's URL."),)),
    Operation("get", "/topics", "listTopics",
              "The topic vocabulary: each topic's slug with its English and Chinese labels.",
              (200, schemas.TopicList), tags=("events",)),
    Operation("get", "/events/{event_id}", "getEvent", "One event.",
              (200, schemas.EventOut), (404,), tags=("events",)),
    Operation("patch", "/events/{event_id}", "updateEvent",
              "Change the fields sent; status `published`/`draft` publishes or unpublishes "
              "(cancel with POST …/cancel). Its organizers only.",
              (200, schemas.EventOut), (400, 404, *DOMAIN), body=schemas.EventPatch,
              tags=("events",)),
    Operation("post", "/events/{event_id}/cancel", "cancelEvent",
              "Cancel the event (final); registrants are told, with the reason if one is "
              "given. Its organizers only.",
              (200, schemas.EventOut), (400, 404, *DOMAIN), body=schemas.ReasonBody,
              body_optional=True, tags=("events",)),
    Operation("post", "/events/{event_id}/registrations", "registerForEvent",
              "Register the caller: 201 for a new place, 200 when the active one is returned "
              "(sending answers again replaces them). The body carries the answers to the "
              "event's questions; it may be left out when none is required.",
              (201, schemas.RegistrationOut), (400, 404, *DOMAIN), tags=("registrations",),
              also_ok=(200, "Already registered: the active registration."),
              body=question_schemas.RegistrationIn, body_optional=True),
    Operation("get", "/events/{event_id}/registrations", "listRegistrations",
              "An event's registrations in queue order. Its organizers only.",
              (200, schemas.RegistrationPage), (403, 404, 422), query=schemas.RegistrationQuery,
              tags=("registrations",)),
    Operation("post", "/registrations/{registration_id}/approve", "approveRegistration",
              "Confirm a pending registration, or waitlist it when full. Organizers only.",
              (200, schemas.RegistrationOut), REG_ACTION_ERRORS, tags=("registrations",)),
    Operation("post", "/registrations/{registration_id}/decline", "declineRegistration",
              "Decline a registration (the person is told, with the reason if one is given); "
              "a freed seat goes to the waiting list. Organizers only.",
              (200, schemas.RegistrationOut), (400, *REG_ACTION_ERRORS), body=schemas.ReasonBody,
              body_optional=True, tags=("registrations",)),
    Operation("post", "/registrations/{registration_id}/cancel", "cancelRegistration",
              "Cancel a registration: the registrant or the event's organizers.",
              (200, schemas.RegistrationOut), REG_ACTION_ERRORS, tags=("registrations",)),
    Operation("post", "/registrations/{registration_id}/check-in", "checkInRegistration",
              "Record attendance of a confirmed registrant. Organizers only.",
              (200, schemas.RegistrationOut), REG_ACTION_ERRORS, tags=("registrations",)),
    Operation("post", "/events/{event_id}/messages", "sendEventMessage",
              "Mail the event's registrants of the chosen statuses (each in their language's "
              "layout); kept on the event. Its organizers only.",
              (201, message_schemas.MessageOut), (400, 404, *DOMAIN),
              body=message_schemas.MessageCreate, tags=("events",)),
    Operation("get", "/events/{event_id}/messages", "listEventMessages",
              "The messages sent to the event's registrants, newest first. Its organizers only.",
              (200, message_schemas.MessagePage), (403, 404, 422), query=schemas.Query,
              tags=("events",)),
    *webhook_operations(),
)

OPERATIONS += records_schemas.operations()
OPERATIONS += meeting_schemas.operations()
OPERATIONS += exchange_schemas.operations()
OPERATIONS += question_schemas.operations()
OPERATIONS += records_schemas.survey_operations()
OPERATIONS += orgs_schemas.operations()

PREFIX = "/api/v1"
RESPONSE_MODELS = (schemas.ErrorOut, schemas.MeOut, schemas.CalendarTokenOut,
                   schemas.OrganizationPage, schemas.EventPage, schemas.EventOut,
                   schemas.RegistrationOut, schemas.RegistrationPage, schemas.TopicList,
                   *records_schemas.RESPONSE_MODELS,
                   webhook_schemas.WebhookOut, webhook_schemas.WebhookCreated,
                   webhook_schemas.WebhookPage, webhook_schemas.DeliveryOut,
                   webhook_schemas.DeliveryPage,
                   *dict.fromkeys(webhook_schemas.MESSAGE_MODELS.values()),
                   message_schemas.MessageOut, message_schemas.MessagePage,
                   *meeting_schemas.RESPONSE_MODELS, *exchange_schemas.RESPONSE_MODELS,
                   *question_schemas.RESPONSE_MODELS, *orgs_schemas.RESPONSE_MODELS)
BODY_MODELS = (schemas.EventCreate, schemas.EventPatch, *records_schemas.BODY_MODELS,
               webhook_schemas.WebhookCreate, webhook_schemas.WebhookPatch, schemas.ReasonBody,
               message_schemas.MessageCreate,
               *meeting_schemas.BODY_MODELS, *meeting_schemas.FORM_MODELS,
               *exchange_schemas.BODY_MODELS, *question_schemas.BODY_MODELS,
               *orgs_schemas.BODY_MODELS)
QUERY_MODELS = (schemas.EventQuery, schemas.OrganizationQuery, schemas.RegistrationQuery,
                *records_schemas.QUERY_MODELS, webhook_schemas.DeliveryQuery,
                *meeting_schemas.QUERY_MODELS, *exchange_schemas.QUERY_MODELS,
                *question_schemas.QUERY_MODELS, *orgs_schemas.QUERY_MODELS)


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _components() -> dict:
    """Component schemas: request bodies as validated, responses as serialized."""
    _keys, top = models_json_schema(
        [(m, "validation") for m in BODY_MODELS] + [(m, "serialization") for m in RESPONSE_MODELS],
        ref_template=REF,
    )
    components = top["$defs"]
    # PATCH: a field left out is unchanged; null is allowed only where the schema says so.
    for patch in ("EventPatch", "WebhookPatch", "AllocationPatch",
                  *exchange_schemas.PATCH_MODELS):
        for prop in components[patch]["properties"].values():
            prop.pop("default", None)
    return components


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    params = []
    for name, prop in schema["properties"].items():
        prop = {k: v for k, v in prop.items() if k != "title"}
        param = {"name": name, "in": "query", "required": False, "schema": prop}
        if "description" in prop:
            param["description"] = prop.pop("description")
        params.append(param)
    return params


def _path_parameters(path: str) -> list[dict]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [
        {"name": name, "in": "path", "required": True,
         "schema": STRING_PATH_PARAMETERS.get(
             name, {"type": "integer", "minimum": 1, "maximum": schemas.MAX_ID})}
        for name in names
    ]


# Path parameters that are not ids.
STRING_PATH_PARAMETERS = {
    "code": {"type": "string", "pattern": "^[A-Za-z2-7-]{1,40}$",
             "description": "A certificate's verification code (16 characters)."},
}


def _responses(op: Operation) -> dict:
    status, model = op.ok
    ok: dict = {"description": {200: "OK", 201: "Created", 204: "Done; no content."}[status]}
    if status != 204:
        ok["content"] = _json(_ref(model) if model else {"type": "object"})
    if op.ok_headers:
        ok["headers"] = {name: {"schema": {"type": "string"}, "description": description}
                         for name, description in op.ok_headers}
    responses = {str(status): ok}
    if op.also_ok:
        also, description = op.also_ok
        responses[str(also)] = {"description": description, "content": _json(_ref(model))}
    codes = set(op.errors) | ({401, 429} if not op.public else set())
    for code in sorted(codes):
        error = {"description": ERROR_DESCRIPTIONS[code], "content": _json(_ref(schemas.ErrorOut))}
        if code == 401:
            error["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"},
                                                     "description": "Bearer challenge."}}
        responses[str(code)] = error
    return dict(sorted(responses.items()))


def _operation(op: Operation) -> dict:
    doc: dict = {"operationId": op.operation_id, "summary": op.summary, "tags": list(op.tags)}
    params = _path_parameters(op.path) + (_query_parameters(op.query) if op.query else [])
    if params:
        doc["parameters"] = params
    if op.body:
        doc["requestBody"] = {"required": not op.body_optional,
                              "content": _json(_ref(op.body))}
    if op.form:
        doc["requestBody"] = {"required": True, "content": {
            "multipart/form-data": {"schema": _ref(op.form)}}}
    doc["responses"] = _responses(op)
    if op.public:
        doc["security"] = []
    return doc


@cache
def _paths() -> tuple[dict, dict]:
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(PREFIX + op.path, {})[op.method] = _operation(op)
    return paths, _components()


WEBHOOK_HEADERS = (
    ("webhook-id", "The message id (`msg_...`): the same on every attempt; deduplicate on it."),
    ("webhook-timestamp", "Seconds since 1970 when this attempt was signed; refuse old ones."),
    ("webhook-signature", "`v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>` with the "
                          "secret's bytes (Standard Webhooks); verify it, e.g. with the "
                          "`standardwebhooks` library."),
)


def _webhooks() -> dict:
    """The messages Liaison POSTs to subscribed URLs, one entry per event type."""
    items = {}
    for event_type, model in webhook_schemas.MESSAGE_MODELS.items():
        items[event_type] = {"post": {
            "operationId": "webhook_" + event_type.replace(".", "_"),
            "summary": str(webhook_event_labels()[event_type]),
            "tags": ["webhooks"],
            "parameters": [{"name": name, "in": "header", "required": True,
                            "schema": {"type": "string"}, "description": text}
                           for name, text in WEBHOOK_HEADERS],
            "requestBody": {"required": True, "content": _json(_ref(model))},
            "responses": {
                "2XX": {"description": "Received. Anything else (or no answer within the "
                                       "timeout, or a redirect) is retried with back-off."},
            },
        }}
    return items


def webhook_event_labels() -> dict:
    from liaison.integration.webhooks import EVENT_TYPES

    with _english():
        return {name: str(label) for name, label in EVENT_TYPES.items()}


def _english():
    from flask_babel import force_locale

    return force_locale("en")


def document(base_url: str) -> dict:
    """The whole OpenAPI 3.1.0 document; `base_url` is the server the paths hang under."""
    paths, components = _paths()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Liaison API",
            "version": "1.0.0",
            "description": (
                "Training sessions and exchange meetings between organizations that enforce "
                "intellectual property. Authenticate with `Authorization: Bearer <token>` "
                "(create one on the account page or with `flask --app app create-token EMAIL`). "
                "Lists take `page` and `per_page` (at most 100) and answer `total`. Datetimes "
                "are ISO 8601 with an offset. Errors: "
                '`{"error": {"code", "message", "fields"}}`.'
            ),
        },
        "servers": [{"url": base_url}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "An API token from the account page."},
            },
        },
    }
