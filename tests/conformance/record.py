"""Record the conformance answers from a real cluster.

    KUBECONFIG=... python -m tests.conformance.record            # the cases without an answer
    python -m tests.conformance.record --kubeconfig K --only 64-scale-get-zero 80-get-deployment-404
    python -m tests.conformance.record --all                      # every case, the given ones too

Builds the world (world.py) in a fresh namespace, sends every case in order (later cases
depend on earlier ones), and writes the chosen ones to answers/NAME.json, normalised
(normalise.scrub: UIDs, times, resourceVersions, generated names) and with the server's
version. The namespaces it made are deleted at the end unless --keep. Cases the fake is not
held to (not_compared) are not sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path

from gok_tui.backends.kube import KubeBackend
from gok_tui.config.kubeconfig import resolve_target

from tests.conformance.cases import CASES
from tests.conformance.normalise import scrub
from tests.conformance.runner import run
from tests.conformance.wire import Req
from tests.conformance.world import World

ANSWERS = Path(__file__).parent / "answers"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG"))
    parser.add_argument("--only", nargs="*", default=None, help="case names to write")
    parser.add_argument("--all", action="store_true", help="write every case")
    parser.add_argument("--keep", action="store_true", help="leave the namespaces")
    parser.add_argument("--out", type=Path, default=ANSWERS)
    args = parser.parse_args(argv)
    if not args.kubeconfig:
        parser.error("no cluster: give --kubeconfig or set KUBECONFIG")
    target = resolve_target(kubeconfig=args.kubeconfig, environ={})
    if target is None:
        parser.error(f"{args.kubeconfig}: no usable context")
    backend = KubeBackend(target)
    version = backend.server_version()
    wanted = {
        case.name
        for case in CASES
        if args.all
        or (args.only is not None and case.name in args.only)
        or (args.only is None and not (args.out / f"{case.name}.json").exists())
    }
    namespace = f"gok-rec-{uuid.uuid4().hex[:6]}"
    world = World(backend, namespace, Path(tempfile.mkdtemp(prefix="gok-rec-")))
    print(
        f"recording {len(wanted)} case(s) from {target.cluster_server} ({version}) in {namespace}"
    )
    try:
        world.build()
        for case in CASES:
            if case.not_compared:
                continue
            answer = run(world, case)
            status = answer["response"]["status"]
            if case.name not in wanted:
                continue
            # the namespace reads "rec" as in the hand-recorded answers and the replay
            answer = json.loads(json.dumps(answer).replace(namespace, "rec"))
            document = {
                "server_version": version,
                "note": case.note,
                "request": scrub(answer["request"]),
                "response": scrub(answer["response"]),
            }
            path = args.out / f"{case.name}.json"
            path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
            print(f"  {case.name}: {status}")
    finally:
        if not args.keep:
            for name in (namespace, f"{namespace}-gone"):
                world.wire.send(Req("DELETE", f"/api/v1/namespaces/{name}"))
        backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
