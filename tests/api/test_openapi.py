"""The OpenAPI document describes exactly the routes the app serves."""
from __future__ import annotations

import re

from blueprints.api.openapi import OPERATIONS
from tests.api.test_events import EVENT_FIELDS
from tests.api.test_registrations import REGISTRATION_FIELDS


def served_operations(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method.lower(), path))
    return found


def test_every_route_is_documented_and_every_documented_route_exists(app, client):
    document = client.get("/api/v1/openapi.json").json
    documented = {
        (method, path) for path, item in document["paths"].items() for method in item
    }
    assert documented == served_operations(app)
    assert len(documented) == len(OPERATIONS) == 15 + 7 + 1 + 9 + 11 + 19 + 2 + 4 + 9  # records,
    # topics, worker, meetings, exchange, questions, surveys, organizations


def test_document_shape(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["security"] == [{"bearerAuth": []}]
    schemas = document["components"]["schemas"]
    assert set(schemas["EventOut"]["properties"]) == EVENT_FIELDS
    assert set(schemas["RegistrationOut"]["properties"]) == REGISTRATION_FIELDS
    assert schemas["EventCreate"]["additionalProperties"] is False
    assert schemas["EventPatch"]["additionalProperties"] is False
    public = {(path, method) for path, item in document["paths"].items()
              for method, operation in item.items() if operation.get("security") == []}
    assert public == {("/api/v1/openapi.json", "get"), ("/api/v1/certificates/{code}", "get")}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if (path, method) not in public:
                assert "401" in responses, (method, path)
                assert operation.get("security") is None
            for code, response in responses.items():
                if int(code) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut")
            if "requestBody" in operation:
                assert {"400", "422"} <= set(responses), (method, path)


def test_list_parameters_are_documented_with_their_limits(client):
    document = client.get("/api/v1/openapi.json").json
    params = {p["name"]: p for p in document["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert set(params) == {"page", "per_page", "kind", "topic", "host", "from", "to"}
    assert params["per_page"]["schema"]["maximum"] == 100


def test_document_is_valid_openapi_3_1(app):
    """Checked against the OpenAPI 3.1 meta-schema (Schemathesis carries it)."""
    import schemathesis

    schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).validate()
