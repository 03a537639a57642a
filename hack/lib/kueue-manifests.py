"""Kueue's own install manifests (kustomize's rendering of its config/default) made fit for a Kueue that runs as a
process on the node rather than as a Deployment behind Services.

Reads the rendered YAML on stdin and writes two JSON Lists for `kubectl apply -f` into OUT_DIR:
  resources.json  what the process needs before it starts: its namespace, its CRDs, the visibility Service;
  callbacks.json  what makes the API server call the process, applied once it serves: its webhook configurations
                  and its visibility APIServices (while they point at nothing, pod creations would fail and
                  API discovery would report the visibility group unavailable). Everything else
(the Deployment, RBAC for its ServiceAccount, the Services in front of the pod, the Secret for internal certificate
management) is left out: the process runs with the cluster's admin identity and a certificate of the cluster's CA.

  - the webhooks, and the CRDs' conversion webhooks, call https://<node ip>:<webhook port><path> (their
    `service` reference becomes a `url`), trusting the cluster's CA (caBundle);
  - the APIServices can only name a Service: that Service keeps its name and port but has no selector, and an
    EndpointSlice of our own points it at <node ip>:<visibility port>; they trust the cluster's CA instead of
    skipping TLS verification as the shipped ones do.

Usage: kueue-manifests.py NODE_IP WEBHOOK_PORT VISIBILITY_PORT CA_FILE OUT_DIR < rendered.yaml
"""
import base64
import json
import os
import sys

import yaml

RESOURCE_KINDS = ("Namespace", "CustomResourceDefinition")
CALLBACK_KINDS = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService")


def write_list(path, items):
    with open(path + ".tmp", "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
    os.replace(path + ".tmp", path)


def main(node_ip, webhook_port, visibility_port, ca_file, out_dir):
    with open(ca_file, "rb") as f:
        ca_bundle = base64.b64encode(f.read()).decode()
    # libyaml's parser where there is one (Debian's python3-yaml has it): 0.3 s instead of 3 s.
    docs = [d for d in yaml.load_all(sys.stdin, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if d]

    def by_kind(kind):
        return [d for d in docs if d["kind"] == kind]

    def url_config(client_config):
        service = client_config.pop("service")
        return {"url": f"https://{node_ip}:{webhook_port}{service.get('path', '/')}", "caBundle": ca_bundle}

    resources, callbacks = [], []
    for doc in docs:
        if doc["kind"] not in RESOURCE_KINDS + CALLBACK_KINDS:
            continue
        if doc["kind"] == "CustomResourceDefinition":
            webhook = (doc["spec"].get("conversion") or {}).get("webhook")
            if webhook:
                webhook["clientConfig"] = url_config(webhook["clientConfig"])
        elif doc["kind"].endswith("WebhookConfiguration"):
            for webhook in doc["webhooks"]:
                webhook["clientConfig"] = url_config(webhook["clientConfig"])
        elif doc["kind"] == "APIService":
            doc["spec"].pop("insecureSkipTLSVerify", None)
            doc["spec"]["caBundle"] = ca_bundle
        (resources if doc["kind"] in RESOURCE_KINDS else callbacks).append(doc)

    # The Service the APIServices name, without a selector (there is no pod), and its one endpoint: the node.
    names = {a["spec"]["service"]["name"] for a in by_kind("APIService")}
    if len(names) != 1:
        sys.exit(f"kueue-manifests: expected the APIServices to name one Service, found {sorted(names)}")
    service = next((s for s in by_kind("Service") if s["metadata"]["name"] in names), None)
    if service is None:
        sys.exit(f"kueue-manifests: no Service {names.pop()} in Kueue's manifests")
    service["spec"].pop("selector", None)
    port = service["spec"]["ports"][0]
    resources.append(service)
    resources.append({
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": service["metadata"]["name"] + "-node",
            "namespace": service["metadata"]["namespace"],
            "labels": {**service["metadata"].get("labels", {}),
                       "kubernetes.io/service-name": service["metadata"]["name"],
                       "endpointslice.kubernetes.io/managed-by": "local-cluster.trainingrun.dev"},
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": [node_ip], "conditions": {"ready": True}}],
        "ports": [{"name": port.get("name"), "port": int(visibility_port), "protocol": "TCP"}],
    })
    write_list(os.path.join(out_dir, "resources.json"), resources)
    write_list(os.path.join(out_dir, "callbacks.json"), callbacks)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__.split("\n\n")[-1])
    main(*sys.argv[1:])
