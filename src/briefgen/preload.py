"""What an engine worker imports ahead of its calls, besides its engine (backends.warm_up): names only, so that
the process starting the workers imports none of them to say so."""

# A worker that will render documents as well as typeset them (build.make_here): the pipeline and the modules
# build.prepare imports when it runs.
RENDERING = (
    "briefgen.build",
    "briefgen.document.view",
    "briefgen.render",
    "briefgen.distribution.provenance",
    "briefgen.backends.glyphs",
)

__all__ = ["RENDERING"]
