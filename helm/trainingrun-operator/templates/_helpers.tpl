{{/* Names and labels shared by every template of the chart. */}}

{{- define "trainingrun-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "trainingrun-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "trainingrun-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trainingrun-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "trainingrun-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "trainingrun-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "trainingrun-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "trainingrun-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "trainingrun-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "trainingrun-operator.trainerImage" -}}
{{- default (printf "trainingrun/trainer:%s" .Chart.AppVersion) .Values.trainer.image }}
{{- end }}

{{/*
The rules the operator needs in each namespace whose runs it reconciles (docs/operator.md). The Lease
rule is apart: it is needed only where the Lease lives.
*/}}
{{- define "trainingrun-operator.runRules" -}}
- apiGroups: [trainingrun.dev]
  resources: [trainingruns]
  verbs: [get, list, watch]
- apiGroups: [trainingrun.dev]
  resources: [trainingruns/status]
  verbs: [get, patch, update]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
# the Job controller's FailedCreate Events, which say why a Job made no pod (e.g. admission refused it), and the
# Events about claims, which say why a claim does not bind (e.g. no such storage class)
- apiGroups: [""]
  resources: [events]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch, create, patch]
# the namespace's trainer ServiceAccount, Role and RoleBinding (one of each per namespace); Kubernetes lets the
# operator grant only rights it holds itself
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [get, list, watch, create, patch, update]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, list, watch, create, patch, update]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create]
# Kueue, for runs with a queue label (docs/kueue.md): the Workload of a queued run's Job, read and (de)activated to
# suspend and resume the run, and its LocalQueue, read before the Job is made
- apiGroups: [kueue.x-k8s.io]
  resources: [workloads]
  verbs: [get, list, patch]
- apiGroups: [kueue.x-k8s.io]
  resources: [localqueues]
  verbs: [get]
# Kueue's visibility API: a waiting run's place in its LocalQueue
- apiGroups: [visibility.kueue.x-k8s.io]
  resources: [localqueues/pendingworkloads]
  verbs: [get]
{{- end }}

{{- define "trainingrun-operator.kueueClusterRule" -}}
# Kueue's cluster-scoped queues and admission checks, read to refuse a queue that sends runs to other clusters
- apiGroups: [kueue.x-k8s.io]
  resources: [clusterqueues, admissionchecks]
  verbs: [get]
{{- end }}

{{- define "trainingrun-operator.crdRule" -}}
# the TrainingRun CRD, read to tell when it is older than the operator (get, and list/watch by that name)
- apiGroups: [apiextensions.k8s.io]
  resources: [customresourcedefinitions]
  resourceNames: [trainingruns.trainingrun.dev]
  verbs: [get, list, watch]
{{- end }}
