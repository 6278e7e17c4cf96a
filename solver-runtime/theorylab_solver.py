# Theory Lab workspace solver helper: runs one Python solver function for the solver host and speaks
# the protocol of docs/workspace-solvers.md. Ships with the extension; importable without pip (the
# host puts this folder on PYTHONPATH). A solver is a function `solve(params, ctx)` returning a dict.
#
# Protocol: one JSON request line on stdin ({"params", "seed", "budget"}); JSON lines on file
# descriptor 3: {"type": "progress", ...}, then exactly one {"type": "result"} or {"type": "error"}.
# stdout and stderr are free for the user's prints (they go to the output channel). End of stdin
# means the host is gone: the process exits at once.
import json
import math
import os
import sys
import threading
import traceback

_PROTOCOL_FD = 3


def _send(message):
    data = (json.dumps(message, allow_nan=False) + "\n").encode("utf-8")
    try:
        os.write(_PROTOCOL_FD, data)
    except OSError:
        pass  # not run by the solver host (e.g. a quick test in a terminal)


def progress(fraction, message=None):
    """Reports progress in [0, 1]; shown as the code-lens progress of the running block."""
    try:
        f = min(1.0, max(0.0, float(fraction)))
    except (TypeError, ValueError):
        return
    _send({"type": "progress", "fraction": f, "message": None if message is None else str(message)})


class Context:
    """What a solver receives next to its parameters."""

    def __init__(self, seed, budget):
        self.seed = int(seed)
        # 'full' or 'test' (tests may shrink the number of trials or epochs)
        self.budget = budget
        self._warnings = []

    def progress(self, fraction, message=None):
        progress(fraction, message)

    def warn(self, message):
        """A non-fatal remark shown next to the result."""
        self._warnings.append(str(message))

    def rng(self):
        """A NumPy Generator seeded with the job's seed (NumPy must be installed)."""
        import numpy as np
        return np.random.default_rng(self.seed)


def _plain(value):
    """JSON-ready copy: NumPy arrays and scalars become lists and numbers; NaN/Inf are tagged."""
    if hasattr(value, "tolist") and callable(value.tolist):
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$nonfinite": "nan"}
        if math.isinf(value):
            return {"$nonfinite": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "__float__"):
        return _plain(float(value))
    raise TypeError("cannot send a value of type %s as a solver output" % type(value).__name__)


def _exit_when_host_gone():
    # stdin stays open while the host lives; EOF means it died or cancelled us.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        # Started by the host we lead our own process group: what the solver spawned goes with us.
        try:
            if os.getpgid(0) == os.getpid():
                import signal
                os.killpg(os.getpid(), signal.SIGKILL)
        except (AttributeError, OSError):
            pass  # no process groups (Windows), or not our own group
        os._exit(3)


def _load(path, name):
    import importlib.util
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("_theorylab_user_solver", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise AttributeError("%s has no function `%s`" % (os.path.basename(path), name))
    return fn


def _file_of(filename):
    # "<frozen importlib._bootstrap>", "<string>", "<stdin>" name no file: made absolute they would
    # look like files of the manifest's folder and be shown as the user's crash location
    if not filename or filename.startswith("<"):
        return filename or "<unknown>"
    return os.path.abspath(filename)


def _frames(e):
    """The traceback as {file, line, function}, innermost last."""
    frames = [{"file": _file_of(f.filename), "line": f.lineno, "function": f.name}
              for f in traceback.extract_tb(e.__traceback__)]
    # A SyntaxError's traceback ends in the import machinery; the mistake is where the parser stopped.
    if isinstance(e, SyntaxError) and e.filename and not e.filename.startswith("<"):
        frames.append({"file": _file_of(e.filename), "line": e.lineno or 0, "function": "<module>"})
    return frames


def _serve(path, name):
    request = json.loads(sys.stdin.buffer.readline().decode("utf-8"))
    threading.Thread(target=_exit_when_host_gone, daemon=True).start()
    ctx = Context(request.get("seed", 0), request.get("budget", "full"))
    try:
        fn = _load(path, name)
        outputs = fn(dict(request.get("params", {})), ctx)
        if not isinstance(outputs, dict):
            raise TypeError("the solver returned %s; it must return a dict of outputs" % type(outputs).__name__)
        _send({"type": "result", "outputs": _plain(outputs), "warnings": ctx._warnings})
    except BaseException as e:  # noqa: BLE001 - every failure must reach the host as a report
        frames = _frames(e)
        _send({"type": "error", "error_type": type(e).__name__, "message": str(e), "frames": frames,
               "traceback": "".join(traceback.format_exception(type(e), e, e.__traceback__))})
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
