"""Jupyter server settings for this collection: send kernel messages at once.

Why: during a slider drag each new picture is a large message, followed by the kernel's
small "idle" message, which is what lets ipywidgets send the slider's next value. The
server's kernel websocket leaves Nagle's algorithm on (tornado's default), so the small
message waits for the browser to acknowledge the large one, and the drag gets half the
pictures it could (``make bench-browser`` shows both). TCP_NODELAY sends each message as
soon as it is written.

Who reads this file:

- ``make lab`` and the browser tests and benchmark: they put this folder on
  ``JUPYTER_CONFIG_PATH``;
- Binder: it copies the repository into the home directory, so this folder is
  ``~/.jupyter``, the user's own Jupyter config folder;
- a JupyterHub: the admin copies this file into the user image's config path
  (docs/jupyterhub.md).

Without it everything works the same, only a drag gets fewer pictures a second.
"""

try:
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
except ImportError:  # a jupyter_server before 2.0: keep its default connection
    ZMQChannelsWebsocketConnection = None

if ZMQChannelsWebsocketConnection is not None:

    class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
        """The standard kernel websocket connection, with TCP_NODELAY on its socket."""

        async def connect(self):
            self.websocket_handler.set_nodelay(True)
            self.log.info("Kernel websocket: TCP_NODELAY on (linreg-from-scratch .jupyter config)")
            return await super().connect()

    c.ServerApp.kernel_websocket_connection_class = NoDelayKernelConnection  # noqa: F821
