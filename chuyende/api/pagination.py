"""Keyset paging: each page starts after the last row of the one before (`after`), so a deep
page costs what the first does; no COUNT(*) and no OFFSET. Lists are newest first (by id);
members come in Vietnamese name order through the member list's own keyset
(chuyende.org.selectors.member_page)."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from chuyende.org import selectors as org_selectors

from . import fields

MAX_PAGE_SIZE = 100


class PageParams(fields.Serializer):
    after = fields.CharField(
        required=False,
        max_length=600,
        help_text="The `next` cursor of the previous page (opaque).",
    )
    page_size = fields.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, help_text="Rows per page (1–100)."
    )


def _params(request, serializer_class=PageParams) -> dict:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


def _cursor_error():
    return ValidationError({"after": [_("This cursor is not valid. Start again from page one.")]})


def _schema_parameters(names):
    described = {
        "after": "The `next` cursor of the previous page (opaque).",
        "before": "The `previous` cursor of the next page (opaque).",
        "page_size": "Rows per page (1–100).",
    }
    parameters = []
    for name in names:
        schema = (
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            if name == "page_size"
            else {"type": "string", "maxLength": 600}
        )
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": described[name],
                "schema": schema,
            }
        )
    return parameters


class KeysetPagination(BasePagination):
    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        params = _params(request)
        size = params.get("page_size") or self.page_size
        after = params.get("after")
        queryset = queryset.order_by("-pk")
        if after:
            if not after.isdigit() or len(after) > 18:
                raise _cursor_error()
            queryset = queryset.filter(pk__lt=int(after))
        rows = list(queryset[: size + 1])
        self.request = request
        self.next_after = str(rows[size - 1].pk) if len(rows) > size else None
        return rows[:size]

    def get_next_link(self):
        if self.next_after is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "after", self.next_after)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return _schema_parameters(["after", "page_size"])


class MemberPageParams(PageParams):
    before = fields.CharField(required=False, max_length=600)


class MemberPagination(BasePagination):
    """The member list's keyset in (name, id) order, forward and back, with the exact count
    from the tallies when they can give it (never a count over the member rows)."""

    def paginate_queryset(self, queryset, request, view=None):
        params = _params(request, MemberPageParams)
        after, before = params.get("after", ""), params.get("before", "")
        for cursor in (after, before):
            if cursor and org_selectors.read_cursor(cursor, 2) is None:
                raise _cursor_error()
        size = params.get("page_size") or settings.MEMBERS_PER_PAGE
        self.page = org_selectors.member_page(queryset, after=after, before=before, size=size)
        self.count = view.member_count() if view is not None else None
        self.request = request
        return self.page.members

    def _link(self, name, value):
        url = self.request.build_absolute_uri()
        url = remove_query_param(remove_query_param(url, "after"), "before")
        return replace_query_param(url, name, value)

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            {
                "count": self.count,
                "next": self._link("after", page.next_after) if page.next_after else None,
                "previous": self._link("before", page.prev_before) if page.prev_before else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": "Members matching, from the tallies; null for a name search.",
                },
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return _schema_parameters(["after", "before", "page_size"])
