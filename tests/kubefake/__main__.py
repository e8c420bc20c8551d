"""Run the fake API server on its own: `python -m tests.kubefake --kubeconfig PATH [--pods N]`.

Used by bench/ scripts and the tmux session test; handy for trying gok-tui by hand.
Seeds a small shop (deployments, a service, an ingress) unless --empty; stops on SIGTERM/SIGINT.
Scale: `--deployments N [--pods-per-deployment M] [--namespace NS]` writes N rolled-out
Deployments with M running pods each; `--churn RATE` then changes RATE pod statuses a second
(readiness flips and restart counts); `--no-controllers` keeps the controller thread off (needed
for thousands of pods: a reconcile pass over them holds the state lock for seconds);
`--latency S` delays every request by S seconds; `--metrics` serves metrics.k8s.io with a usage
for every pod and node.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from tests.kubefake import FakeKube
from tests.kubefake.metrics import serve_sample_usage


def seed_demo(fake: FakeKube) -> None:
    def deployment(name: str, image: str, replicas: int) -> dict:
        labels = {"app": name}
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "labels": labels},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {"name": name, "image": image, "ports": [{"containerPort": 8080}]}
                        ]
                    },
                },
            },
        }

    fake.apply_object(deployment("shop-web", "registry.local/shop-web:1.4.2", 3))
    fake.apply_object(deployment("shop-api", "registry.local/shop-api:2.0.1", 2))
    fake.apply_object(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "shop-web", "namespace": "default"},
            "spec": {"selector": {"app": "shop-web"}, "ports": [{"port": 80, "targetPort": 8080}]},
        }
    )
    fake.apply_object(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "shop", "namespace": "default"},
            "spec": {
                "tls": [{"hosts": ["shop.example.com"]}],
                "rules": [
                    {
                        "host": "shop.example.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "shop-web", "port": {"number": 80}}
                                    },
                                },
                                {
                                    "path": "/api",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "shop-api", "port": {"number": 80}}
                                    },
                                },
                            ]
                        },
                    }
                ],
            },
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kubeconfig", required=True, type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--context", default="fake")
    parser.add_argument("--pods", type=int, default=0, help="extra running pods in default")
    parser.add_argument("--empty", action="store_true", help="no demo objects")
    parser.add_argument("--ready-file", type=Path, help="touched once the server answers")
    parser.add_argument(
        "--deployments", type=int, default=0, help="rolled-out Deployments (with their pods)"
    )
    parser.add_argument("--pods-per-deployment", type=int, default=50)
    parser.add_argument("--namespace", default="default", help="where --deployments go")
    parser.add_argument(
        "--churn", type=float, default=0.0, metavar="RATE", help="pod status changes a second"
    )
    parser.add_argument(
        "--no-controllers", action="store_true", help="objects stay exactly as written"
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument(
        "--metrics", action="store_true", help="serve metrics.k8s.io with a usage for every pod"
    )
    args = parser.parse_args()
    fake = FakeKube(port=args.port, controllers=not args.no_controllers).start()
    fake.latency = args.latency
    fake.write_kubeconfig(args.kubeconfig, context=args.context)
    if not args.empty:
        seed_demo(fake)
    if args.pods:
        fake.bulk_create_pods("default", args.pods)
    if args.deployments:
        if (
            args.namespace != "default"
            and fake.get_object("namespaces", None, args.namespace) is None
        ):
            fake.create_namespace(args.namespace)
        fake.bulk_create_deployments(args.namespace, args.deployments, args.pods_per_deployment)
    done = threading.Event()
    if args.metrics:
        serve_sample_usage(fake)
        if not args.no_controllers:  # pods the controllers make later get a usage too

            def refresh_usage() -> None:
                while not done.wait(5):
                    serve_sample_usage(fake)

            threading.Thread(target=refresh_usage, name="sample usage", daemon=True).start()
    churn = fake.start_churn(args.churn) if args.churn > 0 else None
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    if args.ready_file:
        args.ready_file.write_text(fake.url)
    print(f"fake API server at {fake.url}; kubeconfig {args.kubeconfig}", flush=True)
    done.wait()
    if churn is not None:
        churn.stop()
    fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
