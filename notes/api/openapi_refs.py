"""What every part of the OpenAPI document spells the same way: the JSON media type and a component reference."""

JSON = "application/json"


def ref(kind: str, name: str) -> dict[str, str]:
    """A reference to a component of the document (kind: schemas, parameters, responses)."""
    return {"$ref": f"#/components/{kind}/{name}"}
