"""The distribution side: what is built is recorded, checked, bundled and published.

The pipeline (brief/ → language/ → themes/ → document/ → backends/) makes the PDFs; this package holds the
standards plan a build follows, the manifest and provenance it records, `inspect` and its conformance checks,
bundles and the static site.
"""
