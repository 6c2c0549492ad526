"""The project's own namespace for what is not the page itself (serving it to a class: ``lablab.serve``)."""
