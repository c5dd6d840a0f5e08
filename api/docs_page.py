"""The OpenAPI document as a page to read (GET /api/v1/docs): each operation with its
parameters, body and answer, the refusals it may meet with their codes, and an example; then
each schema field by field.

It is rendered on the server from the very document /openapi.json serves, so the two cannot
disagree; the page runs no script and loads nothing from elsewhere (there may be no internet
where it is read, and an integrator's browser should not have to trust a CDN).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

REF_PREFIX = "#/components/schemas/"
HERE = Path(__file__).resolve().parent
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_LIMITS = (
    ("minimum", "≥ {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("pattern", "matches {}"),
)


@dataclass(frozen=True)
class Field:
    name: str
    type: Markup  # with links to the schemas it names
    required: bool
    description: str
    rules: str  # its range, length, pattern and default, in words


@dataclass(frozen=True)
class Refusal:
    status: str
    description: str
    codes: list[str]
    headers: list[str]


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    needs_key: bool
    parameters: list[Field]
    body: str | None  # the body's schema name
    answer: str | None  # the 200's schema name
    answer_type: str  # its media type
    refusals: list[Refusal]
    example: str


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    fields: list[Field]
    choices: str  # an enumeration's values
    closed: bool  # unknown fields are refused


def schema_name(ref: str) -> str:
    return ref.removeprefix(REF_PREFIX)


def _link(name: str) -> Markup:
    return Markup('<a href="#schema-{0}">{0}</a>').format(name)


def type_of(schema: dict[str, Any]) -> Markup:
    """A schema's type in a few words: `integer`, `string | null`, `array of RewardOut`."""
    if "$ref" in schema:
        return _link(schema_name(schema["$ref"]))
    if "anyOf" in schema:
        return Markup(" | ").join(type_of(branch) for branch in schema["anyOf"])
    if "enum" in schema:
        return Markup(" | ").join(json.dumps(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return Markup("array of ") + type_of(schema.get("items", {}))
    if "format" in schema:
        return Markup("{} ({})").format(kind, schema["format"])
    return Markup("{}").format(kind)


def _described(schema: dict[str, Any]) -> str:
    """A field's description, wherever pydantic put it (beside anyOf or in its branch)."""
    found = schema.get("description")
    for branch in schema.get("anyOf", ()):
        found = found or branch.get("description")
    return str(found or "")


def _rules(schema: dict[str, Any]) -> str:
    branches = [schema, *schema.get("anyOf", ())]
    rules = [
        template.format(branch[key])
        for branch in branches
        for key, template in _LIMITS
        if key in branch
    ]
    if schema.get("default") is not None:
        rules.append(f"default {json.dumps(schema['default'])}")
    return "; ".join(rules)


def _fields(schema: dict[str, Any]) -> list[Field]:
    required = set(schema.get("required", ()))
    return [
        Field(name, type_of(field), name in required, _described(field), _rules(field))
        for name, field in schema.get("properties", {}).items()
    ]


def _schemas(document: dict[str, Any]) -> list[Schema]:
    return [
        Schema(
            name=name,
            description=str(schema.get("description", "")),
            fields=_fields(schema),
            choices=", ".join(json.dumps(v) for v in schema.get("enum", ())),
            closed=schema.get("additionalProperties") is False,
        )
        for name, schema in sorted(document["components"]["schemas"].items())
    ]


def _example(
    base: str, method: str, path: str, operation: dict[str, Any], body: dict[str, Any] | None
) -> str:
    """A curl command that makes this request, with the document's own example values."""
    url = base + path
    query = []
    for parameter in operation.get("parameters", ()):
        examples = parameter["schema"].get("examples")
        if parameter["in"] == "path" and examples:
            url = url.replace("{" + parameter["name"] + "}", str(examples[0]))
        default = parameter["schema"].get("default")
        if parameter["in"] == "query" and default is not None:
            query.append(f"{parameter['name']}={default}")
    if query:
        url += "?" + "&".join(query)
    lines = [f'curl "{url}"' if method == "GET" else f'curl -X {method} "{url}"']
    if operation.get("security") != []:
        lines.append('-H "Authorization: Bearer $KEY"')
    if body is not None:
        lines.append('-H "Idempotency-Key: $(uuidgen)"')
        lines.append('-H "Content-Type: application/json"')
        lines.append(f"-d '{json.dumps(body, ensure_ascii=False)}'")
    return " \\\n  ".join(lines)


def _refusals(operation: dict[str, Any]) -> list[Refusal]:
    return [
        Refusal(
            status,
            response["description"],
            response.get("x-error-codes", []),
            [f"{name}: {h['description']}" for name, h in response.get("headers", {}).items()],
        )
        for status, response in operation["responses"].items()
        if status != "200"
    ]


def _parameters(operation: dict[str, Any]) -> list[Field]:
    return [
        Field(
            p["name"] + (" (header)" if p["in"] == "header" else ""),
            type_of(p["schema"]),
            p["required"],
            p.get("description") or _described(p["schema"]),
            _rules(p["schema"]),
        )
        for p in operation.get("parameters", ())
    ]


def _operation(
    document: dict[str, Any], base: str, path: str, method: str, operation: dict[str, Any]
) -> Operation:
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json")
    body = None if body_schema is None else schema_name(body_schema["schema"]["$ref"])
    example_body = None
    if body is not None:
        example_body = (document["components"]["schemas"][body].get("examples") or [{}])[0]
    done = operation["responses"]["200"]
    media_type, content = next(iter(done.get("content", {"application/json": {}}).items()))
    answer_ref = content.get("schema", {}).get("$ref")
    return Operation(
        anchor=f"op-{operation['operationId']}",
        method=method.upper(),
        path=document["servers"][0]["url"] + path,
        summary=operation["summary"],
        description=operation.get("description", ""),
        needs_key=operation.get("security") != [],
        parameters=_parameters(operation),
        body=body,
        answer=None if answer_ref is None else schema_name(answer_ref),
        answer_type=media_type,
        refusals=_refusals(operation),
        example=_example(base, method.upper(), path, operation, example_body),
    )


def _ticks(text: str) -> Markup:
    """The document's `code` spans (Markdown's backticks) as <code>, the rest escaped."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


_environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["ticks"] = _ticks


def render(document: dict[str, Any], origin: str) -> str:
    """The page of `document`, its examples addressed to `origin` (scheme and host)."""
    base = origin + document["servers"][0]["url"]
    return _environment.get_template("docs.html").render(
        info=document["info"],
        base=base,
        operations=[
            _operation(document, base, path, method, operation)
            for path, methods in document["paths"].items()
            for method, operation in methods.items()
        ],
        schemas=_schemas(document),
    )
