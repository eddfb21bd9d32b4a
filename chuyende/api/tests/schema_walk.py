"""The API's operations, read from its OpenAPI document (so every new endpoint is walked)."""

import json
import re
from dataclasses import dataclass

from django.test import Client

PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Operation:
    path: str  # as in the document: /api/v1/units/{id}/
    method: str  # get, post
    parameters: tuple  # the query parameters' (name, schema type, schema format)

    @property
    def is_list(self) -> bool:
        return self.method == "get" and "{" not in self.path and not self.path.endswith("/me/")

    @property
    def resource(self) -> str:
        """The collection the path's id belongs to: /api/v1/<resource>/{id}/…"""
        return self.path.split("/")[3]

    def url(self, value="") -> str:
        return PARAM.sub(str(value), self.path)


def document() -> dict:
    response = Client(HTTP_HOST="localhost").get("/api/v1/schema/?format=json")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def operations() -> list[Operation]:
    found = []
    for path, methods in document()["paths"].items():
        for method, operation in methods.items():
            query = tuple(
                (p["name"], p["schema"].get("type", "string"), p["schema"].get("format", ""))
                for p in operation.get("parameters", [])
                if p["in"] == "query"
            )
            found.append(Operation(path, method, query))
    return found
