"""What the OpenAPI schema promises beyond what drf-spectacular infers: every status code an
endpoint can answer, and the constraints the server enforces on every string.

A postprocessing hook (SPECTACULAR_SETTINGS) so that no endpoint can forget one.
"""

from __future__ import annotations

# PostgreSQL text cannot hold NUL; the server refuses it everywhere (RejectNulMiddleware).
NO_NUL = "^[^\\u0000]*$"

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "For each field (or non_field_errors) the reasons it was refused; for a nested "
        "field (an RHK's list of IKI), the same again per item."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}


def _ref(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


RESPONSES = {
    "400": (
        "BadRequest",
        "Refused input, in the user's language: a filter of the wrong form (the filters "
        "and why), or a NUL character in the address.",
    ),
    "400 write": (
        "BadRequest",
        "Refused input, in the user's language (the fields and why): a field of the wrong "
        "form, a body that is not a JSON object, or a write that breaks a rule the schema "
        "cannot state: a code that does not exist, a golongan for a PPPK or none for a PNS, "
        "a jenjang outside FUNGSIONAL, a NIP that is no real NIP or that would change, a "
        "date in the future, an email another account holds, a unit below itself …",
    ),
    "401": ("Error", "No valid credentials (send `Authorization: Token …` or a session)."),
    "403": ("Error", "Signed in, but this role may not do this."),
    "404": ("Error", "No such record among those this user may see (or no such page)."),
    "406": ("Error", "The Accept header asks for something other than JSON (or HTML)."),
    "409": ("FieldErrors", "A record with this code or NIP already exists."),
    "413": ("Error", "The body is larger than 25 MB."),
    "415": ("Error", "The body is not `application/json`."),
    "503": ("Error", "The database cannot be reached; try again shortly."),
}
# Which operations can answer what, beyond their own 2xx.
ALWAYS = ("401", "403", "404", "406", "503")
WRITES = ("400 write", "409", "413", "415")


def _strings_without_nul(schema: dict) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not ({"enum", "format", "pattern"} & schema.keys()):
        schema["pattern"] = NO_NUL
    for key in ("properties",):
        for child in schema.get(key, {}).values():
            _strings_without_nul(child)
    for key in ("items", "additionalProperties"):
        _strings_without_nul(schema.get(key))
    for key in ("allOf", "oneOf", "anyOf"):
        for child in schema.get(key, []):
            _strings_without_nul(child)


def error_responses(result, generator, request, public):
    """1. Add the error shapes; 2. document every error code on each operation that can
    answer it; 3. strings never hold NUL, in bodies and filters."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    # A body that is not JSON at all is a {"detail": …}; refused fields are FieldErrors.
    schemas["BadRequest"] = {
        "anyOf": [
            {"$ref": "#/components/schemas/Error"},
            {"$ref": "#/components/schemas/FieldErrors"},
        ]
    }
    for name, schema in schemas.items():
        if name not in ("Error", "FieldErrors", "BadRequest"):
            _strings_without_nul(schema)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = list(ALWAYS)
            if method in ("post", "put", "patch"):
                codes += WRITES
            elif operation.get("parameters"):  # a bad filter, or a NUL in the address
                codes.append("400")
            responses = operation.setdefault("responses", {})
            for key in codes:
                name, description = RESPONSES[key]
                code = key.split()[0]
                responses.setdefault(code, {"description": description, **_ref(name)})
            for parameter in operation.get("parameters", []):
                _strings_without_nul(parameter.get("schema"))
    return result
