"""Helpers for the end-to-end browser tests (``tests/test_browser.py``).

``lab`` starts and stops a throw-away Jupyter server (JupyterLab or Notebook 7) with its own
configuration, runtime, settings and workspace folders; ``page`` drives a notebook in headless
Chromium through Playwright (run the cells, find an explorer, move one of its controls);
``probe`` watches an explorer's picture from inside the page and times how long it takes to
change. Nothing here touches the repository's notebooks or the user's Jupyter configuration.
"""
