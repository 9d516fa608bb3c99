"""The evaluation report: sections of prose, tables and figures rendered to one self-contained HTML file.

A report is a list of :class:`~mindthegap.report.document.Section`. Each analysis contributes a section
builder (``mindthegap.report.sections.*``) taking a :class:`~mindthegap.report.context.ReportContext` and
returning a section, or ``None`` when the study holds no evidence of that kind. Rendering is separate from
building so the same sections can feed the web app and exports.
"""
