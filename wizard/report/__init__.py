"""The incident report: a model built from an investigation's Outcome (`build`), rendered as
Markdown, one self-contained HTML file, or JSON with a published schema (`render`).

Front ends write it through wizard.investigation.report (`write_report(inv, path)`), which
builds the Outcome first; a saved session is restored into one.
"""
