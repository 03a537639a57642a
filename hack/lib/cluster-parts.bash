# shellcheck shell=bash
# Building the local cluster's parts: Kubernetes, etcd, kwok, crane, local-path-provisioner, helm and Kueue compiled
# from the Go module proxy, the pause and busybox layers, the Debian packages, each cached by version under
# $CACHE_DIR/<part>-<version>/. Sourced by hack/local-cluster (its `build` command, and `up` before it starts
# anything), which defines CACHE_DIR, log and die first; versions.env and common.bash are sourced before this.
# Running the cluster is hack/local-cluster's; nothing here starts a process that outlives a build.

# Go builds use their own GOPATH and caches, so that they do not depend on (or fill) the user's.
# TRAININGRUN_GO_DIR moves them apart from the binaries (hack/cold-cache-check keeps them warm).
export GOPATH="${TRAININGRUN_GO_DIR:-${CACHE_DIR}/go}"
export GOMODCACHE="${GOPATH}/pkg/mod"
export GOCACHE="${GOPATH}/cache"
export GOTOOLCHAIN=local
export GOFLAGS="-buildvcs=false -trimpath"
export CGO_ENABLED=0
export GOWORK=off

KUBE_DIR="${CACHE_DIR}/kubernetes-${KUBERNETES_VERSION}"
ETCD_DIR="${CACHE_DIR}/etcd-${ETCD_VERSION}"
KWOK_DIR="${CACHE_DIR}/kwok-${KWOK_VERSION}"
CRANE_DIR="${CACHE_DIR}/crane-${CRANE_VERSION}"
LPP_DIR="${CACHE_DIR}/local-path-provisioner-${LOCAL_PATH_PROVISIONER_VERSION}"
HELM_DIR="${CACHE_DIR}/helm-${HELM_VERSION}"
KUEUE_DIR="${CACHE_DIR}/kueue-${KUEUE_VERSION}"
PAUSE_DIR="${CACHE_DIR}/pause-${PAUSE_IMAGE_TAG}"
BUSYBOX_DIR="${CACHE_DIR}/busybox-${BUSYBOX_IMAGE_TAG}"
ARGOCD_DIR="${CACHE_DIR}/argocd-${ARGOCD_VERSION}"

KUBE_COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

# Runs a long step, saying what it is and how long it took.
step() {
  local what="$1"; shift
  local start=${SECONDS}
  log "${what} ..."
  "$@"
  log "${what}: done in $((SECONDS - start)) s"
}

go_ldflags_version() {
  # Kubernetes reports v0.0.0 unless its version variables are set at link time.
  local v="${KUBERNETES_VERSION}" major minor
  major="${v#v}"; major="${major%%.*}"
  minor="${v#v*.}"; minor="${minor%%.*}"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf -- '-X %s.gitVersion=%s -X %s.gitMajor=%s -X %s.gitMinor=%s -X %s.gitTreeState=clean ' \
      "${pkg}" "${v}" "${pkg}" "${major}" "${pkg}" "${minor}" "${pkg}"
  done
}

# True when every named file exists (and is executable) in the folder.
all_present() {
  local dir="$1"; shift
  local f; for f in "$@"; do [[ -x "${dir}/${f}" ]] || return 1; done
}

# Path of a module's extracted source in our module cache (downloads it if needed).
go_module_dir() {
  (cd / && go mod download -json "$1@$2") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# Writes a scratch Go module into <dir>: its go/godebug lines copied from <upstream go.mod>,
# the given require/replace text, and a tools.go whose blank imports of the commands make
# `go mod tidy` keep them.
scratch_module() {
  local dir="$1" name="$2" upstream="$3" requires="$4"; shift 4
  {
    echo "module ${name}"
    echo
    grep -m 1 '^go ' "${upstream}"
    grep '^godebug ' "${upstream}" || true
    echo
    echo "${requires}"
  } >"${dir}/go.mod"
  {
    echo "//go:build tools"
    echo
    echo "// Package tools keeps the commands built from this module in its dependency graph."
    echo "package tools"
    echo
    echo "import ("
    local pkg; for pkg in "$@"; do echo "	_ \"${pkg}\""; done
    echo ")"
  } >"${dir}/tools.go"
}

# Kubernetes cannot be built with `go install pkg@version` (its go.mod replaces the staging
# modules by relative paths), so a scratch module requires k8s.io/kubernetes and replaces every
# staging module by its published version.
build_kubernetes() {
  if all_present "${KUBE_DIR}/bin" "${KUBE_COMPONENTS[@]}"; then
    log "kubernetes ${KUBERNETES_VERSION}: cached in ${KUBE_DIR}"; return
  fi
  local src="${KUBE_DIR}/src" kdir
  mkdir -p "${src}" "${KUBE_DIR}/bin"
  log "kubernetes ${KUBERNETES_VERSION}: fetching the k8s.io/kubernetes module"
  kdir="$(go_module_dir k8s.io/kubernetes "${KUBERNETES_VERSION}")"
  [[ -n "${kdir}" && -f "${kdir}/go.mod" ]] || die "could not fetch k8s.io/kubernetes ${KUBERNETES_VERSION}"
  scratch_module "${src}" trainingrun.dev/kubernetes-build "${kdir}/go.mod" \
    "require k8s.io/kubernetes ${KUBERNETES_VERSION}

replace (
$(sed -n 's#^[[:space:]]*\(k8s.io/[^[:space:]]*\) => ./staging/.*$#\t\1 => \1 '"${KUBERNETES_STAGING_VERSION}"'#p' "${kdir}/go.mod")
)" "${KUBE_COMPONENTS[@]/#/k8s.io/kubernetes/cmd/}"
  step "kubernetes ${KUBERNETES_VERSION}: resolving modules (go mod tidy)" \
    bash -c 'cd "$1" && go mod tidy' _ "${src}"
  log "kubernetes ${KUBERNETES_VERSION}: compiling; cold, kube-apiserver takes about 4 minutes on 2 cores," \
    "the others share most of its packages"
  local c
  for c in "${KUBE_COMPONENTS[@]}"; do
    [[ -x "${KUBE_DIR}/bin/${c}" ]] && continue
    step "kubernetes ${KUBERNETES_VERSION}: compiling ${c}" \
      bash -c 'cd "$1" && go build -ldflags "$2" -o "$3.tmp" "k8s.io/kubernetes/cmd/$4" && mv "$3.tmp" "$3"' \
      _ "${src}" "-s -w $(go_ldflags_version)" "${KUBE_DIR}/bin/${c}" "${c}"
  done
}

# etcd's server module cannot be `go install`ed either (it has replace directives): same approach.
build_etcd() {
  if all_present "${ETCD_DIR}/bin" etcd; then log "etcd ${ETCD_VERSION}: cached in ${ETCD_DIR}"; return; fi
  local src="${ETCD_DIR}/src" mod
  mkdir -p "${src}" "${ETCD_DIR}/bin"
  mod="$(go_module_dir go.etcd.io/etcd/server/v3 "${ETCD_VERSION}")"
  scratch_module "${src}" trainingrun.dev/etcd-build "${mod}/go.mod" \
    "require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}" go.etcd.io/etcd/server/v3
  step "etcd ${ETCD_VERSION}: resolving modules" bash -c 'cd "$1" && go mod tidy' _ "${src}"
  step "etcd ${ETCD_VERSION}: compiling" \
    bash -c 'cd "$1" && go build -ldflags "-s -w" -o "$2.tmp" go.etcd.io/etcd/server/v3 && mv "$2.tmp" "$2"' \
    _ "${src}" "${ETCD_DIR}/bin/etcd"
}

# `go install module/cmd@version` into <dir>/bin.
go_install() {
  local dir="$1" pkg="$2" ldflags="${3:-}"
  mkdir -p "${dir}/bin"
  GOBIN="${dir}/bin" go install -ldflags "-s -w ${ldflags}" "${pkg}"
}

build_kwok() {
  if all_present "${KWOK_DIR}/bin" kwok && [[ -d "${KWOK_DIR}/stage" ]]; then
    log "kwok ${KWOK_VERSION}: cached in ${KWOK_DIR}"; return
  fi
  step "kwok ${KWOK_VERSION}: compiling" go_install "${KWOK_DIR}" "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
  # The stock stages ship in the module; keep a copy beside the binary.
  local mod; mod="$(go_module_dir sigs.k8s.io/kwok "${KWOK_VERSION}")"
  rm -rf "${KWOK_DIR}/stage.tmp"; mkdir -p "${KWOK_DIR}/stage.tmp"
  cp "${mod}/kustomize/stage/node/fast/node-initialize.yaml" \
     "${mod}/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
     "${mod}/kustomize/stage/pod/fast/pod-ready.yaml" \
     "${mod}/kustomize/stage/pod/fast/pod-delete.yaml" "${KWOK_DIR}/stage.tmp/"
  chmod -R u+w "${KWOK_DIR}/stage.tmp"
  mv "${KWOK_DIR}/stage.tmp" "${KWOK_DIR}/stage"
}

build_crane() {
  if all_present "${CRANE_DIR}/bin" crane; then log "crane ${CRANE_VERSION}: cached in ${CRANE_DIR}"; return; fi
  step "crane ${CRANE_VERSION}: compiling" \
    go_install "${CRANE_DIR}" "github.com/google/go-containerregistry/cmd/crane@${CRANE_VERSION}"
}

build_local_path_provisioner() {
  if all_present "${LPP_DIR}/bin" local-path-provisioner && [[ -f "${LPP_DIR}/local-path-storage.yaml" ]]; then
    log "local-path-provisioner ${LOCAL_PATH_PROVISIONER_VERSION}: cached in ${LPP_DIR}"; return
  fi
  step "local-path-provisioner ${LOCAL_PATH_PROVISIONER_VERSION}: compiling" \
    go_install "${LPP_DIR}" "github.com/rancher/local-path-provisioner@${LOCAL_PATH_PROVISIONER_VERSION}"
  local mod; mod="$(go_module_dir github.com/rancher/local-path-provisioner "${LOCAL_PATH_PROVISIONER_VERSION}")"
  install -m 0644 "${mod}/deploy/local-path-storage.yaml" "${LPP_DIR}/local-path-storage.yaml"
}

build_helm() {
  if all_present "${HELM_DIR}/bin" helm; then log "helm ${HELM_VERSION}: cached in ${HELM_DIR}"; return; fi
  # Without the version set at link time `helm version` prints only major.minor.
  step "helm ${HELM_VERSION}: compiling" go_install "${HELM_DIR}" "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}" \
    "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
}

# Kueue's controller manager (its go.mod has no replace lines, so `go install` builds it) and its kustomize tree
# (config/: the CRDs, webhook configurations and APIServices as the release's manifests.yaml is made from them),
# which hack/local-cluster renders with kubectl's kustomize when it starts Kueue.
build_kueue() {
  if all_present "${KUEUE_DIR}/bin" kueue && [[ -d "${KUEUE_DIR}/config" ]]; then
    log "kueue ${KUEUE_VERSION}: cached in ${KUEUE_DIR}"; return
  fi
  step "kueue ${KUEUE_VERSION}: compiling (cold: about 4 minutes on 2 cores)" \
    go_install "${KUEUE_DIR}" "sigs.k8s.io/kueue/cmd/kueue@${KUEUE_VERSION}" \
    "-X sigs.k8s.io/kueue/pkg/version.GitVersion=${KUEUE_VERSION}"
  local mod; mod="$(go_module_dir sigs.k8s.io/kueue "${KUEUE_VERSION}")"
  rm -rf "${KUEUE_DIR}/config.tmp"
  cp -r "${mod}/config" "${KUEUE_DIR}/config.tmp"
  chmod -R u+w "${KUEUE_DIR}/config.tmp"
  mv "${KUEUE_DIR}/config.tmp" "${KUEUE_DIR}/config"
}

# Argo CD is one multi-call binary: cmd/main.go runs the command named by $ARGOCD_BINARY_NAME, else by the binary's
# own name (argocd, argocd-application-controller, argocd-repo-server, ...), so those names are links to it. Its
# go.mod replaces gitops-engine by the folder ./gitops-engine, a nested module the module zip leaves out, so it
# builds as the main module from a writable copy of its downloaded source with gitops-engine put in that folder.
# Not part of the default build: only the GitOps tests need it.
build_argocd() {
  if all_present "${ARGOCD_DIR}/bin" argocd git-verify-wrapper.sh gpg-wrapper.sh; then
    log "argocd ${ARGOCD_VERSION}: cached in ${ARGOCD_DIR}"; return
  fi
  local mod engine src="${ARGOCD_DIR}/src" bin="${ARGOCD_DIR}/bin"
  mod="$(go_module_dir github.com/argoproj/argo-cd/v3 "${ARGOCD_VERSION}")"
  [[ -n "${mod}" && -f "${mod}/go.mod" ]] || die "could not fetch github.com/argoproj/argo-cd/v3 ${ARGOCD_VERSION}"
  engine="$(go_module_dir github.com/argoproj/argo-cd/gitops-engine "${ARGOCD_GITOPS_ENGINE_VERSION}")"
  [[ -n "${engine}" && -f "${engine}/go.mod" ]] ||
    die "could not fetch github.com/argoproj/argo-cd/gitops-engine ${ARGOCD_GITOPS_ENGINE_VERSION}"
  rm -rf "${src}"; mkdir -p "${bin}"
  cp -R "${mod}" "${src}"
  cp -R "${engine}" "${src}/gitops-engine"
  chmod -R u+w "${src}"
  # Without its version set at link time, `argocd version` says v99.99.99.
  local pkg=github.com/argoproj/argo-cd/v3/common kubectl
  kubectl="$(sed -n 's#^[[:space:]]*k8s.io/kubectl => k8s.io/kubectl \(v[^[:space:]]*\)$#\1#p' "${src}/go.mod")"
  step "argocd ${ARGOCD_VERSION}: compiling (cold, about 8 minutes on 2 cores)" \
    bash -c 'cd "$1" && go build -ldflags "$2" -o "$3.tmp" ./cmd && mv "$3.tmp" "$3"' _ "${src}" \
    "-s -w -X ${pkg}.version=${ARGOCD_VERSION#v} -X ${pkg}.kubectlVersion=${kubectl}" "${bin}/argocd"
  local c
  for c in argocd-application-controller argocd-repo-server argocd-server; do ln -sfn argocd "${bin}/${c}"; done
  # The repo server runs these from the PATH (it verifies each commit's signature, GPG or not), as in Argo CD's image.
  install -m 0755 "${src}/hack/git-verify-wrapper.sh" "${src}/hack/gpg-wrapper.sh" "${bin}/"
}

# A reproducible layer tar of a folder (root-owned, fixed times, sorted).
make_layer() {
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" .
}

# The pod sandbox ("pause") image: pause.c from the Kubernetes sources, linked statically.
build_pause() {
  if [[ -f "${PAUSE_DIR}/layer.tar" ]]; then log "pause ${PAUSE_IMAGE_TAG}: cached in ${PAUSE_DIR}"; return; fi
  local mod; mod="$(go_module_dir k8s.io/kubernetes "${KUBERNETES_VERSION}")"
  rm -rf "${PAUSE_DIR}"; mkdir -p "${PAUSE_DIR}/rootfs"
  log "pause ${PAUSE_IMAGE_TAG}: compiling pause.c (gcc -static)"
  gcc -Os -Wall -Werror -static -DVERSION="v${PAUSE_IMAGE_TAG}-0" \
    -o "${PAUSE_DIR}/rootfs/pause" "${mod}/build/pause/linux/pause.c"
  strip "${PAUSE_DIR}/rootfs/pause"
  make_layer "${PAUSE_DIR}/rootfs" "${PAUSE_DIR}/layer.tar.tmp"
  mv "${PAUSE_DIR}/layer.tar.tmp" "${PAUSE_DIR}/layer.tar"
}

# The helper image of local-path-provisioner: Debian's static busybox, one link per applet.
build_busybox() {
  if [[ -f "${BUSYBOX_DIR}/layer.tar" ]]; then log "busybox ${BUSYBOX_IMAGE_TAG}: cached in ${BUSYBOX_DIR}"; return; fi
  local bb=/bin/busybox version
  [[ -x "${bb}" ]] || die "${bb} is missing: install the Debian package busybox-static"
  version="$("${bb}" 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')"
  [[ "${version}" == "${BUSYBOX_IMAGE_TAG}" ]] ||
    log "warning: busybox is ${version}, versions.env says ${BUSYBOX_IMAGE_TAG}; tagging it ${BUSYBOX_IMAGE_TAG}"
  rm -rf "${BUSYBOX_DIR}"; mkdir -p "${BUSYBOX_DIR}/rootfs/bin" "${BUSYBOX_DIR}/rootfs/tmp"
  chmod 1777 "${BUSYBOX_DIR}/rootfs/tmp"
  install -m 0755 "${bb}" "${BUSYBOX_DIR}/rootfs/bin/busybox"
  local applet
  # `busybox --list` names busybox itself: linking that would replace the binary by a loop.
  for applet in $("${bb}" --list); do
    [[ "${applet}" == busybox ]] || ln -sf busybox "${BUSYBOX_DIR}/rootfs/bin/${applet}"
  done
  make_layer "${BUSYBOX_DIR}/rootfs" "${BUSYBOX_DIR}/layer.tar.tmp"
  mv "${BUSYBOX_DIR}/layer.tar.tmp" "${BUSYBOX_DIR}/layer.tar"
  log "busybox ${BUSYBOX_IMAGE_TAG}: layer ready in ${BUSYBOX_DIR}"
}

# containerd, runc, CNI plugins, iptables, ... from Debian, installed only when missing.
build_debian_packages() {
  # shellcheck disable=SC2086 # one word per package
  step "Debian packages" ensure_debian_packages "the local cluster" ${DEBIAN_PACKAGES}
}

BUILD_PARTS=(debian_packages kubernetes etcd kwok crane local_path_provisioner helm pause busybox)
# Built only when asked for (`build kueue`, `build argocd`, or their `up`): most test classes never start them.
OPTIONAL_PARTS=(kueue argocd)

cmd_build() {
  local parts=("$@") start=${SECONDS}
  command -v go >/dev/null || die "needs Go (1.26 or newer, see hack/versions.env) on the PATH"
  [[ ${#parts[@]} -gt 0 ]] || parts=("${BUILD_PARTS[@]}")
  local p; for p in "${parts[@]}"; do
    declare -F "build_${p//-/_}" >/dev/null || die "unknown component '${p}' (known: ${BUILD_PARTS[*]} ${OPTIONAL_PARTS[*]})"
    "build_${p//-/_}"
  done
  log "build finished in $((SECONDS - start)) s"
}

# Where a built tool is.
tool_path() {
  case "$1" in
    kubectl) echo "${KUBE_DIR}/bin/kubectl" ;;
    helm) echo "${HELM_DIR}/bin/helm" ;;
    crane) echo "${CRANE_DIR}/bin/crane" ;;
    kwok) echo "${KWOK_DIR}/bin/kwok" ;;
    argocd) echo "${ARGOCD_DIR}/bin/argocd" ;;
    *) die "unknown tool $1" ;;
  esac
}
