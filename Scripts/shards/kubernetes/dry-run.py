#!/usr/bin/env python3
"""Runs the two Kubernetes Job manifests' container commands on this machine, as the
cluster would run them, without a cluster: an honest check of everything in the
manifests except the scheduling itself.

For the Indexed Job (shards-job.yaml) it reads completions, completionMode, the container's
command and args, and runs the command once per index with JOB_COMPLETION_INDEX set, as
`parallelism` pods would (all at once); then merge-job.yaml's command. The PersistentVolume
mounted at /data is a temporary folder: '/data' in the commands is replaced by it, and
MODEL is copied to <folder>/model.onnx first. `climep` on the PATH is CLIMEP (default
.build/release/climep). Finally `climep check` verifies the merged certificate, and, when
the manifests' certify options are given again as --certify-options, it is compared
byte for byte with an unsharded `climep certify`.

Usage: python3 Scripts/shards/kubernetes/dry-run.py MODEL [--certify-options '--box=-1:1 --pieces 8']
Needs PyYAML (pip install pyyaml).
"""
import argparse
import filecmp
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def container(path):
    """The one container of a Job manifest, and the Job's spec."""
    with open(path) as f:
        job = yaml.safe_load(f)
    assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job", f"{path}: not a batch/v1 Job"
    spec = job["spec"]
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never", f"{path}: restartPolicy must be Never"
    (c,) = pod["containers"]
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    assert mounts.get("data") == "/data" and "persistentVolumeClaim" in volumes["data"], f"{path}: /data must be the claim"
    return spec, c


def command(c, data):
    argv = c["command"] + c["args"]
    assert argv[:2] == ["sh", "-c"] and len(argv) == 3, "the container runs one `sh -c` script"
    return ["sh", "-c", argv[2].replace("/data", data)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--certify-options", default=None)
    args = parser.parse_args()
    climep = os.path.abspath(os.environ.get("CLIMEP", ".build/release/climep"))
    data = tempfile.mkdtemp(prefix="climep-k8s-")
    bin_dir = tempfile.mkdtemp(prefix="climep-k8s-bin-")
    try:
        os.symlink(climep, os.path.join(bin_dir, "climep"))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
        shutil.copy(args.model, os.path.join(data, "model.onnx"))

        spec, shard = container(os.path.join(HERE, "shards-job.yaml"))
        assert spec["completionMode"] == "Indexed", "the shards Job must be Indexed"
        n = spec["completions"]
        assert spec["parallelism"] == n, "parallelism and completions must both be N"
        script = shard["args"][0]
        assert f'/{n}"' in script or f"/{n} " in script, f"--shard K/{n} must use the completions count {n}"
        pods = [subprocess.Popen(command(shard, data), env=dict(env, JOB_COMPLETION_INDEX=str(k)),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for k in range(n)]
        for k, pod in enumerate(pods):
            out, _ = pod.communicate()
            print(f"pod {k}: exit {pod.returncode}: {out.strip().splitlines()[-1] if out.strip() else ''}")
            if pod.returncode != 0:
                sys.exit(f"shard pod {k} failed:\n{out}")

        _, merge = container(os.path.join(HERE, "merge-job.yaml"))
        done = subprocess.run(command(merge, data), env=env, capture_output=True, text=True)
        print(f"merge: exit {done.returncode}")
        if done.returncode != 0:
            sys.exit(f"merge failed:\n{done.stdout}{done.stderr}")
        certificate = os.path.join(data, "certificate.json")
        check = subprocess.run([climep, "check", certificate, "--model", os.path.join(data, "model.onnx")],
                               capture_output=True, text=True)
        print(f"check: exit {check.returncode}")
        if check.returncode != 0:
            sys.exit(f"check refused the merged certificate:\n{check.stdout}{check.stderr}")
        if args.certify_options is not None:
            whole = os.path.join(data, "unsharded.json")
            subprocess.run([climep, "certify", os.path.join(data, "model.onnx"), *shlex.split(args.certify_options),
                            "--out", whole], check=True, capture_output=True)
            same = filecmp.cmp(whole, certificate, shallow=False)
            print(f"merged == unsharded certify: {same}")
            if not same:
                sys.exit("the merged certificate differs from the unsharded one")
    finally:
        shutil.rmtree(data)
        shutil.rmtree(bin_dir)


if __name__ == "__main__":
    main()
