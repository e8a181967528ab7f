"""Turning what a person typed into validated values, collecting every field's error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ValidationError


class FieldCollector:
    """Run each field's parser, keep the parsed values and every error, raise once."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def field(self, name: str, parse: Callable[..., Any], **kwargs: Any) -> None:
        if name not in self.data:
            return
        try:
            self.values[name] = parse(self.data[name], field=name, **kwargs)
        except ValidationError as error:
            self.errors[name] = error.message

    def require(self, *names: str) -> None:
        for name in names:
            if name not in self.data and name not in self.errors:
                self.errors[name] = f"{name.replace('_', ' ')} is required"

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationError.of_fields(self.errors)
        return self.values
