"""Request input -> validated pydantic models, or an ApiError in the SPEC shape: 400 for a body
that is not a JSON object, 422 with one message per field for values that do not fit."""
from __future__ import annotations

import json
from typing import TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from blueprints.api.auth import ApiError

M = TypeVar("M", bound=BaseModel)


def _message(error: dict) -> str:
    """A translated message for the common pydantic error types; pydantic's own otherwise."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("string_too_short",) and ctx.get("min_length") == 1:
        return _("This field cannot be empty.")
    if kind == "string_too_long":
        return _("Use at most %(n)s characters.", n=ctx.get("max_length"))
    if kind == "too_long":
        return _("Give at most %(n)s items.", n=ctx.get("max_length"))
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("Give a whole number from %(low)s to %(high)s.", low=ctx.get("ge", 1),
                 high=ctx.get("le", "…"))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Give a whole number.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Give true or false.")
    if kind in ("string_type",):
        return _("Give a text value.")
    if kind in ("list_type",):
        return _("Give a list.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.", choices=ctx.get("expected", ""))
    if kind.startswith("datetime") or kind == "timezone_aware":
        return _("Give a date and time in ISO 8601 with an offset, e.g. 2025-06-03T09:30:00+08:00.")
    if kind == "storable_text":
        return _("Remove the NUL characters and invalid Unicode from this text.")
    if kind == "time_zone":
        return _("Choose an IANA time zone, such as Asia/Shanghai.")
    if kind == "web_url":
        return _("Give a web address starting with http:// or https://.")
    if kind == "string_pattern_mismatch":
        return _("Give a date as YYYY-MM-DD, e.g. 2025-06-03.")
    if kind == "date_range":
        return _("Give a date between 1970 and 2200.")
    return error["msg"]


def fields_of(error: ValidationError) -> dict[str, str]:
    """Field path -> first message; `topics.2` names the third topic, `body` the whole body."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        name = ".".join(loc) or "body"
        fields.setdefault(name, _message(item))
    return fields


def invalid(fields: dict[str, str]) -> ApiError:
    return ApiError(422, "invalid", _("Some fields are not valid."), fields)


def json_body(model: type[M]) -> M:
    """The request's JSON object validated against `model` (strict types, no unknown fields)."""
    if not request.is_json:
        message = _("Send the body as JSON (Content-Type: application/json).")
        raise ApiError(400, "bad_request", message)
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "bad_request", _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", _("The body must be a JSON object."))
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        if any(item["type"] == "json_invalid" for item in error.errors()):
            # Python's parser let it through (e.g. a lone UTF-16 surrogate escape); ours did not.
            raise ApiError(400, "bad_request", _("The body is not valid JSON.")) from None
        raise invalid(fields_of(error)) from None


def query_args(model: type[M]) -> M:
    """The query string validated against `model`; the first value of a repeated parameter."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise invalid(fields_of(error)) from None


def optional_json_body(model: type[M]) -> M:
    """Like `json_body` for endpoints whose body may be left out: no body gives the model's
    defaults; a body that is there must be a valid JSON object."""
    if not request.get_data(cache=True):
        return model()
    return json_body(model)
