#!/usr/bin/python3
"""Example NetnsPolicy client in Python (Debian's python3-grpcio and python3-protobuf).

Submits a comparison of teardown policies on a workload, prints progress to stderr, then prints the report
(Markdown) to stdout. The gRPC code is generated from protos/ by Debian's protoc and grpc_python_plugin into
gen/ on first use (or by ./generate.sh). Exit codes: 0 report printed, 1 usage or RPC error, 2 the run did not
succeed.

  /usr/bin/python3 compare.py --server 127.0.0.1:5180 --workload ../../../workloads/burst-1000-veth.json \\
      --policy baseline=upstream --policy batched=batching:batch_size=32 --seeds 1,2
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "protos"))
GEN = os.path.join(HERE, "gen")
DEADLINE_S = 120


def generate():
    """Generates the Python modules from the protos when they are missing or older than the protos."""
    protos = [os.path.join("netnspolicy", "v1", name) for name in sorted(os.listdir(os.path.join(PROTO_ROOT, "netnspolicy", "v1")))]
    stamp = os.path.join(GEN, ".stamp")
    newest = max(os.path.getmtime(os.path.join(PROTO_ROOT, p)) for p in protos)
    if os.path.exists(stamp) and os.path.getmtime(stamp) >= newest:
        return
    os.makedirs(GEN, exist_ok=True)
    subprocess.run(
        ["protoc", f"-I{PROTO_ROOT}", f"--python_out={GEN}", f"--grpc_python_out={GEN}",
         "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", *protos],
        check=True)
    for package in ("netnspolicy", os.path.join("netnspolicy", "v1")):
        open(os.path.join(GEN, package, "__init__.py"), "a").close()
    open(stamp, "w").close()


def parse_policy(text):
    """'label=spec:k=v,k2=v2' -> (label, spec, {k: v})."""
    label, sep, rest = text.partition("=")
    if not sep or not label:
        raise argparse.ArgumentTypeError(f"{text}: expected LABEL=SPEC[:k=v,...]")
    spec, _, params = rest.partition(":")
    parameters = dict(pair.split("=", 1) for pair in params.split(",") if pair)
    return label, spec, parameters


def main():
    parser = argparse.ArgumentParser(description="Submit a NetnsPolicy comparison and print its report.")
    parser.add_argument("--server", required=True, help="HOST:PORT of the gRPC endpoint")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--workload", help="workload JSON file")
    source.add_argument("--builtin", help="name of a workload shipped with the service")
    parser.add_argument("--policy", action="append", type=parse_policy, required=True, help="LABEL=SPEC[:k=v,...], at least two")
    parser.add_argument("--baseline", default="", help="label of the baseline (default: the first policy)")
    parser.add_argument("--seeds", default="", help="comma-separated seeds (default: the workload's)")
    parser.add_argument("--replications", type=int, default=0, help="replications per seed (default: the workload's)")
    parser.add_argument("--kernel-profile", default="", help="kernel profile id (default: the workload's)")
    args = parser.parse_args()
    if len(args.policy) < 2:
        parser.error("give at least two --policy")

    generate()
    sys.path.insert(0, GEN)
    import grpc
    from netnspolicy.v1 import reports_pb2, runs_pb2, runs_pb2_grpc

    if args.workload:
        with open(args.workload, encoding="utf-8") as f:
            workload = runs_pb2.WorkloadSource(json=f.read())
    else:
        workload = runs_pb2.WorkloadSource(builtin=args.builtin)
    request = runs_pb2.SubmitComparisonRequest(
        workload=workload,
        kernel_profile=args.kernel_profile,
        baseline=args.baseline,
        seeds=runs_pb2.SeedPlan(seeds=[int(s) for s in args.seeds.split(",") if s], replications=args.replications),
        description="python example client")
    for label, spec, parameters in args.policy:
        request.policies.add(label=label, policy=spec, parameters=parameters)

    with grpc.insecure_channel(args.server) as channel:
        runs = runs_pb2_grpc.RunServiceStub(channel)
        try:
            run = runs.SubmitComparison(request, timeout=DEADLINE_S)
            print(f"run {run.id} accepted: {run.simulations_total} simulations, {run.simulations_from_store} from the store", file=sys.stderr)
            final = None
            for progress in runs.WatchRun(runs_pb2.WatchRunRequest(run_id=run.id), timeout=DEADLINE_S):
                final = progress
                print(f"[{runs_pb2.RunState.Name(progress.state)}] {progress.fraction_done * 100:.1f}% "
                      f"{progress.simulations_done}/{progress.simulations_total} simulations, phase {progress.phase}", file=sys.stderr)
            if final is None or final.state != runs_pb2.RUN_STATE_SUCCEEDED:
                detail = final.final_run.status_detail if final is not None else "no final message"
                print(f"run {run.id} did not succeed: {detail}", file=sys.stderr)
                return 2
            response = runs.GetReport(runs_pb2.GetReportRequest(run_id=run.id, formats=[reports_pb2.REPORT_FORMAT_MARKDOWN]), timeout=DEADLINE_S)
        except grpc.RpcError as error:
            print(f"rpc failed: {error.code().name} {error.details()}", file=sys.stderr)
            return 1

    for policy in response.report.policies:
        verdicts = " ".join(f"{m.metric}={m.verdict}" for m in policy.metrics)
        print(f"policy {policy.policy}{' (baseline)' if policy.is_baseline else ''}: {verdicts}")
    print(response.artifacts[0].content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
