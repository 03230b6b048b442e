#!/usr/bin/env python3
"""Checks scripts/deploy/rawtel-daemonset.yaml for what the API server and
the kubelet would refuse or silently get wrong (no offline schema
validator is packaged): apps/v1 DaemonSet fields, selector matching the
template's labels, containers with name and image, every volumeMount
naming a volume, $(VAR) references only to variables defined before them
(the kubelet expands nothing else), resource quantities valid with
requests within limits; and rawtel's own needs: hostPID, not privileged,
BPF and PERFMON added with ALL dropped and no SYS_ADMIN, the node-local
endpoint from status.hostIP. Usage: check_k8s.py FILE; prints the problem
and exits 1, or prints "ok"."""
import re
import sys

import yaml

UNITS = {"": 1, "m": 0.001, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}


def fail(msg):
    print("check_k8s: " + msg)
    sys.exit(1)


def need(d, path):
    cur = d
    for k in path.split("."):
        if not isinstance(cur, dict) or k not in cur:
            fail("missing " + path)
        cur = cur[k]
    return cur


def quantity(q):
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(m|Ki|Mi|Gi|k|M|G)?", str(q))
    if not m:
        fail("bad resource quantity %r" % q)
    return float(m.group(1)) * UNITS[m.group(2) or ""]


def check_env(c):
    seen = set()
    for e in c.get("env", []):
        for ref in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(e.get("value", ""))):
            if ref not in seen:
                fail("env %s uses $(%s) before it is defined" % (e["name"], ref))
        seen.add(e["name"])
    env = {e["name"]: e for e in c.get("env", [])}
    host = env.get("HOST_IP", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    if host != "status.hostIP":
        fail("HOST_IP does not come from the downward API's status.hostIP")
    if "$(HOST_IP)" not in env.get("OTEL_EXPORTER_OTLP_ENDPOINT", {}).get("value", ""):
        fail("OTEL_EXPORTER_OTLP_ENDPOINT is not the node-local $(HOST_IP)")


def check_container(c, volumes):
    for k in ("name", "image"):
        if not c.get(k):
            fail("a container without " + k)
    sc = c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    if sc.get("privileged") or "SYS_ADMIN" in caps.get("add", []):
        fail("privileged or SYS_ADMIN: the capabilities are meant to replace them")
    if not {"BPF", "PERFMON"} <= set(caps.get("add", [])) or caps.get("drop") != ["ALL"]:
        fail("capabilities: add BPF and PERFMON, drop ALL")
    for m in c.get("volumeMounts", []):
        if m["name"] not in volumes or not m.get("mountPath", "").startswith("/"):
            fail("volumeMount %s: no such volume or a relative path" % m["name"])
    req, lim = need(c, "resources.requests"), c.get("resources", {}).get("limits", {})
    for k in ("cpu", "memory"):
        if k not in req:
            fail("no %s request" % k)
        if k in lim and quantity(req[k]) > quantity(lim[k]):
            fail("%s request over its limit" % k)
    check_env(c)


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    ds = [d for d in docs if d.get("kind") == "DaemonSet"]
    if len(ds) != 1 or ds[0].get("apiVersion") != "apps/v1":
        fail("want one apps/v1 DaemonSet")
    ds = ds[0]
    ns = [d["metadata"]["name"] for d in docs if d.get("kind") == "Namespace"]
    if ds["metadata"].get("namespace") not in ns + ["default"]:
        fail("the DaemonSet's namespace is not created here")
    sel = need(ds, "spec.selector.matchLabels")
    labels = need(ds, "spec.template.metadata.labels")
    if not sel or any(labels.get(k) != v for k, v in sel.items()):
        fail("spec.selector.matchLabels does not match the template's labels")
    spec = need(ds, "spec.template.spec")
    if spec.get("hostPID") is not True:
        fail("hostPID is not true: rawtel would see only its own pod")
    volumes = {v["name"] for v in spec.get("volumes", [])}
    containers = need(spec, "containers")
    if not containers:
        fail("no containers")
    for c in containers:
        check_container(c, volumes)
    print("ok")


if __name__ == "__main__":
    main()
