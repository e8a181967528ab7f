"""Running the reports plugins contribute, with the permission checked first."""

from __future__ import annotations

from collections.abc import Mapping

from ..context import Context
from ..errors import MedofficeError, NotFound, PluginError, ValidationError
from ..records import ReportResult


def run(ctx: Context, report_id: str, params: Mapping[str, str]) -> ReportResult:
    ctx.require("reports.run")
    found = [(plugin, spec) for plugin, spec in ctx.hooks.reports() if spec.id == report_id]
    if not found:
        raise NotFound(f"no report {report_id!r} (see 'medoffice reports list')")
    plugin, spec = found[0]
    ctx.require(spec.permission)
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise ValidationError(f"report {report_id!r} takes {', '.join(spec.params) or 'no parameters'}; "
                              f"not {', '.join(unknown)}")
    try:
        result = spec.run(ctx, dict(params))
    except MedofficeError:
        raise
    except Exception as exc:
        raise PluginError(plugin, f"report {report_id!r} failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, ReportResult):
        raise PluginError(plugin, f"report {report_id!r} returned {type(result).__name__}, not a ReportResult")
    return result
