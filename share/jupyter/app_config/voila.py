"""Voilà server settings of `make app` (the Spasm explorer for a class), found through JUPYTER_CONFIG_PATH.

The Makefile and the e2e fixture (tests/e2e/conftest.py) put this folder first on JUPYTER_CONFIG_PATH;
options given on Voilà's command line still win (`make app APP_ARGS=...`). See docs/classroom.md.

- A closed or reloaded tab shuts its kernel down at once. Voilà's page already sends
  ``POST /voila/api/shutdown/<kernel>`` with the ``_xsrf`` cookie on ``beforeunload``, but Voilà 0.5
  renders the page without ever creating that cookie, so the request was refused (403, "'_xsrf'
  argument missing") and every tab left a ~250 MB kernel behind. The hook below creates the cookie
  (Tornado's ``xsrf_token``) before the first byte of the page is sent.
- Kernels nobody is connected to (a crashed or suspended browser, a lost network, a client that never
  runs the page's JavaScript) are culled after 10 idle minutes, checked every minute. A tab that is
  still open keeps its kernel (``cull_connected=False``): culling it would leave a learner who came
  back from a break with a page that no longer answers. On a server short of memory, pass
  ``APP_ARGS=--MappingKernelManager.cull_connected=True`` to free idle open tabs too.
- Nothing next to the notebook is served: Voilà's default serves every PNG/JPG/GIF/SVG under the
  notebook's folder at ``/voila/files/<path>`` (other visitors' exports included, by guessable names).
  The Spasm explorer page needs no such file (its figures are inline).
"""

c = get_config()  # noqa: F821 (defined by traitlets when it loads this file)


def _set_xsrf_cookie(req_handler, notebook, cwd):
    """Create the ``_xsrf`` cookie for the page, which it posts back to shut its kernel down on close.

    Parameters
    ----------
    req_handler : tornado.web.RequestHandler
        The handler of the page request; its headers are not sent yet.
    notebook : nbformat.NotebookNode
        The notebook about to run (returned unchanged: ``None``).
    cwd : str
        The kernel's working directory (unused).
    """
    req_handler.xsrf_token  # noqa: B018 (the property sets the cookie when the request has none)


c.VoilaConfiguration.prelaunch_hook = _set_xsrf_cookie

c.MappingKernelManager.cull_idle_timeout = 600  # s without kernel activity
c.MappingKernelManager.cull_interval = 60  # s between checks
c.MappingKernelManager.cull_connected = False

c.VoilaConfiguration.file_allowlist = []
c.VoilaConfiguration.file_denylist = [r".*"]
