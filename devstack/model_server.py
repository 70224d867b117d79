"""The local OpenAI-compatible model server: xllamacpp (llama.cpp's server) serving SmolLM2-135M-Instruct.

Run as ``python -m devstack.model_server --model PATH --port N`` by ``devstack.model.ensure_model``, detached,
with the API key in the environment variable ``WARDEN_MODEL_SERVER_API_KEY`` (not argv, which ``ps`` shows).

Why these settings (measured, see /work/shared/ENVIRONMENT.md): one compute thread, because with anything
else busy on a 2-core machine two threads collapsed to ~1 token/s while one gave ~80; an explicit context
size, because 0 means the model's full context and its memory; offline and no web UI.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

API_KEY_ENV = "WARDEN_MODEL_SERVER_API_KEY"
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devstack.model_server", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--model", required=True, help="path to the GGUF file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--alias", default="smollm2-135m-instruct", help="model name reported by /v1/models")
    parser.add_argument("--ctx", type=int, default=4096, help="context size in tokens (shared by the slots)")
    parser.add_argument("--parallel", type=int, default=2, help="concurrent request slots")
    parser.add_argument("--threads", type=int, default=1, help="compute threads (keep 1; see module doc)")
    return parser.parse_args(argv)


def build_params(args: argparse.Namespace, api_key: str | None):
    """The xllamacpp ``CommonParams`` for an OpenAI-compatible HTTP server on ``host:port``."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.api_keys = [api_key] if api_key else []
    params.n_ctx = args.ctx
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.offline = True
    params.ui = False
    return params


def main(argv: list[str] | None = None) -> int:
    """Start the server, then sleep until SIGTERM/SIGINT/SIGHUP and shut it down cleanly.

    The stop signals are blocked *before* xllamacpp starts its threads (they inherit the mask), so the
    signal is delivered to ``sigwait`` here instead of killing the process from some worker thread.
    """
    args = parse_args(argv)
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    import xllamacpp

    try:
        server = xllamacpp.Server(build_params(args, os.environ.get(API_KEY_ENV)))
    except RuntimeError as exc:  # xllamacpp's only failure signal; the real cause is in its log above
        print(f"model server failed to start: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    print(
        f"model server listening on {server.listening_address} (pid {os.getpid()})",
        file=sys.stderr,
        flush=True,
    )
    received = signal.sigwait(STOP_SIGNALS)
    print(f"model server stopping on {signal.Signals(received).name}", file=sys.stderr, flush=True)
    del server  # the destructor stops the HTTP loop and frees the model
    return 0


if __name__ == "__main__":
    sys.exit(main())
