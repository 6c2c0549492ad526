"""Lecture-note exports of a Scene: images (Kaleido), the GIF (Pillow over one rendered background),
offline HTML, CSV/JSON data and the notes bundle; ``python -m export`` is the command line.

- ``export.images``: ``png(figure, scale)``, ``svg(figure)``, ``find_browser()``, ``ExportError``/``ExportUnavailable``
- ``export.views``: ``scene_record(scene, theme)`` → ``SceneInfo``; ``export_figure(info, view)`` for ``VIEWS``
- ``export.animation``: ``gif_bytes(info, frames)``; ``background_figure``/``plot_area`` (the exact pixel map)
- ``export.data``: ``to_csv(scene)``, ``to_json(scene)``
- ``export.html``: ``html_page(scene, info)``
- ``export.bundle``: ``export_files(scene, formats)``, ``notes_bundle(scene)``
- ``export.fonts``: the Korean font shipped in assets/fonts; ``with_app_fonts(env)`` for the browser's fontconfig
- ``export.toolbar``: ``file_stem(scene)``, ``toolbar_config(scene, view)`` for ``st.plotly_chart(config=…)``

Importing this package imports none of them, so the page can use ``export.toolbar`` cheaply.
"""
